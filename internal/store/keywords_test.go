package store

import "testing"

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
