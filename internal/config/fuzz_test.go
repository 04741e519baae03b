package config

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, is deterministic, and keeps the
// shape of 5.2.7's output whatever the input.
func FuzzParse(f *testing.F) {
	for _, c := range append(goldenOK, goldenAccounts...) {
		f.Add([]byte(c.input))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var t1, t2 strings.Builder
		cfg1, err1 := Parse(bytes.NewReader(data), &t1)
		cfg2, err2 := Parse(bytes.NewReader(data), &t2)
		if t1.String() != t2.String() || !reflect.DeepEqual(cfg1, cfg2) || !reflect.DeepEqual(err1, err2) {
			t.Fatalf("Parse is not deterministic for %q", data)
		}
		trace := t1.String()
		if !strings.HasPrefix(trace, traceHeader) {
			t.Fatalf("trace %q lacks the header", trace)
		}
		if err1 == nil {
			if cfg1 == nil || !strings.HasSuffix(trace, "\n"+traceTrailer) {
				t.Fatalf("success without config or trailer: %q", trace)
			}
			for name := range cfg1.Stores {
				if _, dup := cfg1.Channels[name]; dup {
					t.Fatalf("name %q is both a store and a channel", name)
				}
			}
			for _, st := range cfg1.Stores {
				if st.Passwd != "" && st.PassCmd != "" {
					t.Fatalf("store %q accepted with both passwd and passcmd", st.Name)
				}
				if st.AuthMech != "" && !slices.Contains(AuthMechs, st.AuthMech) {
					t.Fatalf("store %q accepted with authmech %q", st.Name, st.AuthMech)
				}
			}
			for _, ch := range cfg1.Channels {
				if ch.Msinfo == "" {
					t.Fatalf("channel %q accepted without msinfo", ch.Name)
				}
			}
			return
		}
		var pe *ParseError
		if !errors.As(err1, &pe) {
			t.Fatalf("error %v is not a *ParseError", err1)
		}
		if cfg1 != nil || strings.HasSuffix(trace, traceTrailer) {
			t.Fatalf("failure with a config or a trailer: %q", trace)
		}
		if r := report(pe); !strings.HasPrefix(r, "Error: "+pe.Msg+"\n") || !strings.HasSuffix(r, "\n       Quitting!\n") {
			t.Fatalf("malformed report %q", r)
		}
		if pe.Line < 0 || pe.Line > bytes.Count(data, []byte("\n")) {
			t.Fatalf("line %d out of range", pe.Line)
		}
	})
}

// render writes cfg back as a configuration file: every store and channel
// in name order, every non-empty field once, each token escaped so that
// the lexer returns it unchanged.
func render(cfg *Config) string {
	var b strings.Builder
	tok := func(s string) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if isSpace(c) || c == '\\' || (c == '#' && i == 0) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte(' ')
	}
	field := func(name, v string) {
		if v != "" {
			b.WriteString("\n\t" + name + " ")
			tok(v)
		}
	}
	for _, name := range sortedKeys(cfg.Stores) {
		s := cfg.Stores[name]
		b.WriteString("store ")
		tok(s.Name)
		b.WriteString("{")
		field("server", s.Server)
		field("ref", s.Ref)
		field("pat", s.Pat)
		field("prefix", s.Prefix)
		field("passwd", s.Passwd)
		field("passcmd", s.PassCmd)
		field("authmech", s.AuthMech)
		field("cafile", s.CAFile)
		b.WriteString("\n}\n")
	}
	for _, name := range sortedKeys(cfg.Channels) {
		c := cfg.Channels[name]
		b.WriteString("channel ")
		tok(c.Name)
		tok(c.StoreA)
		tok(c.StoreB)
		b.WriteString("{")
		field("msinfo", c.Msinfo)
		field("passwd", c.Passwd)
		if c.SizeLimit != 0 {
			field("sizelimit", strconv.FormatUint(c.SizeLimit, 10))
		}
		if c.FlagSync {
			field("flags", "sync")
		}
		b.WriteString("\n}\n")
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FuzzRender checks that a configuration that parses can be written back
// (render, the -dc-like re-rendering) and parses to the same definitions,
// and that rendering is stable.
func FuzzRender(f *testing.F) {
	for _, c := range append(goldenOK, goldenAccounts...) {
		f.Add([]byte(c.input))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		text := render(cfg)
		again, err := Parse(strings.NewReader(text), nil)
		if err != nil {
			t.Fatalf("rendered configuration does not parse: %v\n%s", err, text)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("round trip changed the configuration:\n%#v\n%#v\n%s", cfg, again, text)
		}
		if render(again) != text {
			t.Fatalf("rendering is not stable:\n%s\n%s", text, render(again))
		}
	})
}
