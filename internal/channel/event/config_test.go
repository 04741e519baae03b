package event

import (
	"errors"
	"testing"
)

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

// TestCommandLineWording pins the lines of the command line's failures
// and the clone's warning about a readable configuration (the first two
// are 5.2.7's, typo and stream included; the golden scripts run them).
func TestCommandLineWording(t *testing.T) {
	cases := []struct {
		ev       Event
		out, err string
	}{
		{UnknownName{Name: "work"}, "", "Error: A channel or store named \"work\" has notbeen configured\n"},
		{NoMode{Channels: 2, Stores: 1}, "", "Don't know what to do with 2 channels and 1 stores.\n"},
		{BadArguments{Err: errors.New("unknown option -q")}, "Error: unknown option -q\n", ""},
		{ReadablePasswords{Path: "/h/.mailsync"}, "", "Warning: /h/.mailsync contains passwords and is readable by other users; run chmod 600 /h/.mailsync\n"},
	}
	for _, c := range cases {
		var s sink
		Printer{}.Print(&s, c.ev)
		if s.out.String() != c.out || s.err.String() != c.err {
			t.Errorf("%T: stdout %q stderr %q, want %q and %q", c.ev, s.out.String(), s.err.String(), c.out, c.err)
		}
	}
}
