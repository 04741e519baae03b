package msinfo

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		md5        bool
		want       State
		warn       []store.Note
	}{
		{"lf", "box\n<a@x>\n<b@x>\nother\n", false, State{"box": {"<a@x>", "<b@x>"}, "other": nil}, nil},
		{"crlf D6", "box\r\n<a@x>\r\n", false, State{"box": {"<a@x>"}}, nil},
		{"ids before box", "<a@x>\nbox\n", false, State{"": {"<a@x>"}, "box": nil}, nil},
		{"empty box name", "\n<a@x>\n", false, State{"": {"<a@x>"}}, nil},
		{"cut after >", "b\n<a@x> junk\n<noclose\n", false, State{"b": {"<a@x>"}}, nil},
		{"md5 line in msgid mode", "b\n<>, md5: <abc>\n", false, State{"b": {"<>"}}, nil},
		{"md5", "b\n<>, md5: <abc>\n<x@y>\n", true, State{"b": {"abc"}}, []store.Note{store.MissingMD5{Line: "<x@y>"}}},
		{"last piece ignored", "b\n<a@x>", false, State{"b": nil}, nil},
		{"box named twice", "b\n<a@x>\nc\n<c@x>\nb\n<b@x>\n", false, State{"b": {"<a@x>", "<b@x>"}, "c": {"<c@x>"}}, nil},
	} {
		var w []store.Note
		got := Parse([]byte(tc.body), tc.md5, func(n store.Note) { w = append(w, n) })
		if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(w, tc.warn) {
			t.Errorf("%s: got %#v %+v, want %#v %+v", tc.name, got, w, tc.want, tc.warn)
		}
	}
}

// TestParseAllocations: the ids of a large state cost no allocation
// each, and no list of them grows by doubling.
func TestParseAllocations(t *testing.T) {
	var body strings.Builder
	for _, box := range []string{"inbox", "work"} {
		body.WriteString(box + "\n")
		for i := range 10000 {
			body.WriteString("<" + strconv.Itoa(i) + "@example.org>\n")
		}
	}
	b := []byte(body.String())
	var s State
	allocs := testing.AllocsPerRun(5, func() { s = Parse(b, false, nil) })
	if len(s["inbox"]) != 10000 || len(s["work"]) != 10000 || s["work"][9999] != "<9999@example.org>" {
		t.Fatalf("parsed %d and %d ids", len(s["inbox"]), len(s["work"]))
	}
	if allocs > 10 {
		t.Errorf("Parse made %.0f allocations for 20,000 ids, want a few", allocs)
	}
}

func TestFormat(t *testing.T) {
	s := State{"b": {"<z@x>", "<a@x>"}, "a": nil}
	if got := string(Format("ch", s, false)); got != "From: mailsync\nSubject: ch\n\na\nb\n<a@x>\n<z@x>\n" {
		t.Errorf("msgid: %q", got)
	}
	s = State{"box": {"7a20693d4c9a0b0adf13cc2803b52085", "3a91d48c7903b940dd5134e5f1e0f54f"}}
	want := "From: mailsync\nSubject: c\n\nbox\n<>, md5: <3a91d48c7903b940dd5134e5f1e0f54f>\n<>, md5: <7a20693d4c9a0b0adf13cc2803b52085>\n"
	if got := string(Format("c", s, true)); got != want {
		t.Errorf("md5: %q", got)
	}
	if got := Parse(Body(s, true), true, nil); len(got["box"]) != 2 {
		t.Errorf("round trip %v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("box\n<a@x>\n"), false)
	f.Add([]byte("box\r\n<>, md5: <abc>\r\n"), true)
	f.Fuzz(func(t *testing.T, body []byte, md5 bool) {
		s := Parse(body, md5, nil)
		again := Parse(Body(s, md5), md5, nil)
		for box, ids := range s {
			if len(ids) > 0 && len(again[box]) == 0 && box != "" && !strings.HasSuffix(box, "\r") {
				t.Fatalf("box %q lost its ids", box)
			}
		}
	})
}

// TestFormatLarge: a state of many ids is formatted in pieces; the pieces
// must make the message a plain formatting makes, and Parse must read it
// back.
func TestFormatLarge(t *testing.T) {
	s := State{"inbox": nil, "From here": {"<x@y>"}, "empty": nil}
	for i := range 5000 {
		s["inbox"] = append(s["inbox"], "<"+strings.Repeat("z", i%300)+strconv.Itoa(4999-i)+"@example.org>")
	}
	for _, md5 := range []bool{false, true} {
		var want strings.Builder
		want.WriteString("From: mailsync\nSubject: ch\n\n")
		for _, box := range []string{"From here", "empty", "inbox"} {
			want.WriteString(box + "\n")
			ids := slices.Clone(s[box])
			slices.Sort(ids)
			for _, id := range ids {
				if md5 {
					want.WriteString("<>, md5: <" + id + ">\n")
				} else {
					want.WriteString(id + "\n")
				}
			}
		}
		if got := string(Format("ch", s, md5)); got != want.String() {
			t.Fatalf("md5 %v: Format differs from a plain formatting (%d bytes, want %d)", md5, len(got), want.Len())
		}
	}
	if got := Parse(Body(s, false), false, nil); len(got["inbox"]) != 5000 || got["From here"][0] != "<x@y>" {
		t.Errorf("round trip: %d ids", len(got["inbox"]))
	}
}
