package store

import (
	"fmt"
	"strings"
	"testing"
)

func TestKeywordsOf(t *testing.T) {
	cases := []struct {
		in   []string
		want Keywords
	}{
		{nil, ""},
		{[]string{"$Junk"}, "$Junk"},
		{[]string{"b", "A", "$junk", "$Junk"}, "$junk A b"},      // sorted without case; first spelling kept
		{[]string{`\Seen`, "a b", "", "x(", "ok", "\x7f"}, "ok"}, // system flags and non-atoms left out
		{[]string{"Work", "work", "WORK"}, "Work"},
	}
	for _, c := range cases {
		if got := KeywordsOf(c.in...); got != c.want {
			t.Errorf("KeywordsOf(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestKeywordsSets(t *testing.T) {
	k := KeywordsOf("$Junk", "work", "Todo")
	if !k.Has("$JUNK") || k.Has("home") {
		t.Errorf("Has: %q", k)
	}
	if got := k.Union("home").Union("WORK"); got != KeywordsOf("$Junk", "home", "Todo", "work") {
		t.Errorf("Union = %q", got)
	}
	if got := k.Minus(KeywordsOf("TODO", "x")); got != KeywordsOf("$Junk", "work") {
		t.Errorf("Minus = %q", got)
	}
	if got := k.Apply("new", KeywordsOf("work", "new")); got != KeywordsOf("$Junk", "new", "Todo") {
		t.Errorf("Apply (a keyword in both is added) = %q", got)
	}
	if got := Keywords("").Union(""); got != "" {
		t.Errorf("empty union = %q", got)
	}
	if n := k.Names(); len(n) != 3 || Keywords("").Names() != nil {
		t.Errorf("Names = %q", n)
	}
}

// TestKeywordsBounded: a message with thousands of keywords (a hostile
// server) yields the first MaxKeywords in canonical order, the same on
// every read; a keyword longer than MaxKeywordLen is none.
func TestKeywordsBounded(t *testing.T) {
	var names []string
	for i := range 5000 {
		names = append(names, fmt.Sprintf("kw%05d", 4999-i))
	}
	k := KeywordsOf(names...)
	got := k.Names()
	if len(got) != MaxKeywords || got[0] != "kw00000" || got[MaxKeywords-1] != fmt.Sprintf("kw%05d", MaxKeywords-1) {
		t.Errorf("%d keywords kept, from %q to %q", len(got), got[0], got[len(got)-1])
	}
	if KeywordsOf(names...) != k || k.Union(KeywordsOf("zz")) != k {
		t.Errorf("not the same set on every read")
	}
	if long := strings.Repeat("x", MaxKeywordLen+1); ValidKeyword(long) || KeywordsOf(long) != "" {
		t.Errorf("a keyword of %d bytes is kept", len(long))
	}
	if !ValidKeyword(strings.Repeat("x", MaxKeywordLen)) {
		t.Errorf("a keyword of %d bytes is not valid", MaxKeywordLen)
	}
}

func TestKeywordsCanonical(t *testing.T) {
	for k, want := range map[Keywords]bool{"": true, "$Junk work": true, "work $Junk": false, "a a": false, "x(y": false} {
		if got := k.Canonical(); got != want {
			t.Errorf("%q.Canonical() = %v, want %v", k, got, want)
		}
	}
}
