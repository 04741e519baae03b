package config

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
)

// TestParseErrorText: what the command prints for a syntax error (the
// printer's words for its fields) and the error's own text.
func TestParseErrorText(t *testing.T) {
	cases := []struct {
		err    ParseError
		report string
		text   string
	}{
		{ParseError{Msg: "Unknown store field", Line: 2, Token: "frob"},
			"Error: Unknown store field\n       While parsing line 2 at token \"frob\"\n       Quitting!\n",
			`config line 2: Unknown store field at token "frob"`},
		{ParseError{Msg: "Store name missing", Line: 0, Token: "x", AtEOF: true},
			"Error: Store name missing\n       Unexpected EOF while parsing configuration file       While parsing line 0:\n       Quitting!\n",
			"config line 0: Store name missing at end of file"},
		{ParseError{Msg: "Unknown store field", Line: 1, Token: "a\x00b\"c"},
			"Error: Unknown store field\n       While parsing line 1 at token \"a\"\n       Quitting!\n",
			`config line 1: Unknown store field at token "a\x00b\"c"`},
		{ParseError{Msg: "Line too long", Line: 7, Token: "100%s"},
			"Error: Line too long\n       While parsing line 7 at token \"100%s\"\n       Quitting!\n",
			`config line 7: Line too long at token "100%s"`},
		{ParseError{Msg: "50%: missing msinfo", Line: 3, Token: "}"},
			"Error: 50%: missing msinfo\n       While parsing line 3 at token \"}\"\n       Quitting!\n",
			`config line 3: 50%: missing msinfo at token "}"`},
	}
	for _, c := range cases {
		if got := report(&c.err); got != c.report {
			t.Errorf("printed %q, want %q", got, c.report)
		}
		if got := c.err.Error(); got != c.text {
			t.Errorf("Error() = %q, want %q", got, c.text)
		}
	}
}

func TestOpenErrorText(t *testing.T) {
	e := &OpenError{Path: "/home/u/.mailsync", Err: fs.ErrNotExist}
	if got, want := report(e), "Error: Can't open config file /home/u/.mailsync\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	if got, want := e.Error(), "cannot open config file /home/u/.mailsync: file does not exist"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, fs.ErrNotExist) {
		t.Errorf("OpenError does not unwrap to its cause")
	}
}

func TestCString(t *testing.T) {
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
	}
}

// report is what the command prints for a configuration error: its
// fields worded by the one printer (package channel/event), as
// cmd/mailsync does.
func report(err error) string {
	var pe *ParseError
	var oe *OpenError
	var ev event.Event
	switch {
	case errors.As(err, &pe):
		ev = event.ConfigSyntax(*pe)
	case errors.As(err, &oe):
		ev = event.ConfigUnreadable{Path: oe.Path}
	default:
		return ""
	}
	var b strings.Builder
	event.Printer{}.Print(event.Streams{Stdout: &b, Stderr: &b}, ev)
	return b.String()
}
