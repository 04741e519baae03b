package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func st(name, server, ref, pat, prefix, passwd string) *Store {
	return &Store{Name: name, Server: server, Ref: ref, Pat: pat, Prefix: prefix, Passwd: passwd}
}

func TestParseValues(t *testing.T) {
	cases := []struct {
		name     string
		input    string
		stores   []*Store
		channels []*Channel
	}{
		{"empty file", "", nil, nil},
		{"all store fields",
			"store a {\n server {h/ssl}\n ref {h}\n pat INBOX.*\n prefix INBOX.\n passwd pw\n}\n",
			[]*Store{st("a", "{h/ssl}", "{h}", "INBOX.*", "INBOX.", "pw")}, nil},
		{"all channel fields",
			"channel c a b {\n msinfo .msinfo\n passwd p\n sizelimit 100\n}\n",
			nil, []*Channel{{Name: "c", StoreA: "a", StoreB: "b", Msinfo: ".msinfo", Passwd: "p", SizeLimit: 100}}},
		{"defaults are empty", "store s { }\nchannel c s s { msinfo m }",
			[]*Store{st("s", "", "", "", "", "")},
			[]*Channel{{Name: "c", StoreA: "s", StoreB: "s", Msinfo: "m"}}},
		{"last value wins",
			"store s { pat a pat b prefix p prefix q }\nchannel c s s { msinfo m msinfo n sizelimit 5 sizelimit 7 passwd x passwd y }\n",
			[]*Store{st("s", "", "", "b", "q", "")},
			[]*Channel{{Name: "c", StoreA: "s", StoreB: "s", Msinfo: "n", Passwd: "y", SizeLimit: 7}}},
		{"value swallows closing brace", "store s {\n pat }\n prefix x\n}\n",
			[]*Store{st("s", "", "", "}", "x", "")}, nil},
		{"value swallows a keyword", "channel c a b { passwd msinfo msinfo m }",
			nil, []*Channel{{Name: "c", StoreA: "a", StoreB: "b", Msinfo: "m", Passwd: "msinfo"}}},
		{"comment pitfall: pat takes the next word", "store s { pat #mh/%\n prefix #mh/\n}\n",
			[]*Store{st("s", "", "", "prefix", "", "")}, nil},
		{"escapes", "store s {\n pat \\#mh/%\n prefix a\\ b\\\\\n ref \\}\n}\n",
			[]*Store{st("s", "", "}", "#mh/%", "a b\\", "")}, nil},
		{"quotes are kept", "store s { pat \"x\" }", []*Store{st("s", "", "", `"x"`, "", "")}, nil},
		{"final keyword without newline dropped", "store s { }\nstore", []*Store{st("s", "", "", "", "", "")}, nil},
		{"trailing backslash token dropped", "store s { }\nx\\", []*Store{st("s", "", "", "", "", "")}, nil},
		{"escaped closing brace closes", "store s { \\}", []*Store{st("s", "", "", "", "", "")}, nil},
		{"braces and keywords as names", "store { {\n}\nchannel store } { { msinfo m }\n",
			[]*Store{st("{", "", "", "", "", "")},
			[]*Channel{{Name: "store", StoreA: "}", StoreB: "{", Msinfo: "m"}}},
		{"names are byte strings", "store s\x00t { pat a\x00b }\nstore s\x00u { }\nstore S { }\n",
			[]*Store{st("s\x00t", "", "", "a\x00b", "", ""), st("s\x00u", "", "", "", "", ""), st("S", "", "", "", "", "")}, nil},
		{"high bytes kept", "store \xe4 { pat \xff\\\n }", []*Store{st("\xe4", "", "", "\xff\n", "", "")}, nil},
		{"sizelimit like strtoul", "channel c a b { msinfo m sizelimit -5 }",
			nil, []*Channel{{Name: "c", StoreA: "a", StoreB: "b", Msinfo: "m", SizeLimit: 18446744073709551611}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(c.input), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := &Config{Stores: map[string]*Store{}, Channels: map[string]*Channel{}}
			for _, s := range c.stores {
				want.Stores[s.Name] = s
			}
			for _, ch := range c.channels {
				want.Channels[ch.Name] = ch
			}
			if !reflect.DeepEqual(cfg, want) {
				t.Errorf("got\n%s\nwant\n%s", dump(cfg), dump(want))
			}
		})
	}
}

func dump(c *Config) string {
	var b strings.Builder
	for _, s := range c.Stores {
		fmt.Fprintf(&b, "%#v\n", *s)
	}
	for _, ch := range c.Channels {
		fmt.Fprintf(&b, "%#v\n", *ch)
	}
	return b.String()
}

// TestParseErrorFields checks the fields behind Report for a few errors.
func TestParseErrorFields(t *testing.T) {
	cases := []struct {
		input string
		want  ParseError
	}{
		{"store s {\n\tpat x\n\tfrob y\n}\n", ParseError{Msg: "Unknown store field", Line: 2, Token: "frob"}},
		{"store x", ParseError{Msg: "Store name missing", Line: 0, Token: "x", AtEOF: true}},
		{"channel c a b {\n}", ParseError{Msg: "c: missing msinfo", Line: 1, Token: "}", AtEOF: true}},
		{"channel c\x00d a b {\n}\n", ParseError{Msg: "c: missing msinfo", Line: 2, Token: "}"}},
		{"store s { }\nchannel s a b { msinfo m }\n", ParseError{Msg: "Tag (store or channel name) used twice: s", Line: 2, Token: "}"}},
		{"store s { frob\x00x }", ParseError{Msg: "Unknown store field", Line: 0, Token: "frob\x00x"}},
		{"\n}\n", ParseError{Msg: "unknow configuration element", Line: 2, Token: "}"}},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.input), nil)
		pe, ok := err.(*ParseError)
		if !ok {
			t.Errorf("%q: error %v, want a *ParseError", c.input, err)
			continue
		}
		if *pe != c.want {
			t.Errorf("%q: got %#v, want %#v", c.input, *pe, c.want)
		}
	}
}

func TestFlagsField(t *testing.T) {
	cfg, err := Parse(strings.NewReader("store a {\n}\nchannel s a a {\n msinfo m\n flags sync\n}\nchannel c a a {\n msinfo m\n flags sync\n flags Copy\n}\nchannel d a a {\n msinfo m\n}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"s": true, "c": false, "d": false} {
		if got := cfg.Channels[name].FlagSync; got != want {
			t.Errorf("channel %s: FlagSync %v, want %v", name, got, want)
		}
	}
}
