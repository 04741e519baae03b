package event

import "testing"

// TestConfigSyntaxToken: the token of a syntax error is printed up to
// its first NUL byte, as 5.2.7 prints a C string; the other cases are
// pinned by internal/config's tables recorded from 5.2.7.
func TestConfigSyntaxToken(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"a\x00b", "a"},
		{"\x00", ""},
		{"\xff\x00\x00", "\xff"},
	}
	for _, c := range cases {
		if got := cString(c.in); got != c.want {
			t.Errorf("cString(%q) = %q, want %q", c.in, got, c.want)
		}
		var s sink
		Printer{}.Print(&s, ConfigSyntax{Msg: "Unknown store field", Line: 2, Token: c.in})
		if want := "Error: Unknown store field\n       While parsing line 2 at token \"" + c.want + "\"\n       Quitting!\n"; s.err.String() != want || s.out.Len() != 0 {
			t.Errorf("token %q: printed %q, want %q on stderr", c.in, s.err.String(), want)
		}
	}
}
