package event

import (
	"fmt"
	"strings"
)

// The configuration file's failures, printed by cmd/mailsync before a
// run starts. Package config returns them as errors with these fields
// (config.OpenError, config.ParseError); the words are 5.2.7's, here.

// ConfigUnreadable: the configuration file is missing, unreadable or not
// a regular file.
type ConfigUnreadable struct{ Path string }

// ConfigSyntax is a syntax error in the configuration file, with the
// fields of config.ParseError (a value of which converts to it): Msg is
// 5.2.7's message, Line its line count, Token the offending token, AtEOF
// set when the file ended while reading that token.
type ConfigSyntax struct {
	Msg   string
	Line  int
	Token string
	AtEOF bool
}

func (ConfigUnreadable) event() {}
func (ConfigSyntax) event()     {}

// printConfig writes the configuration events.
func printConfig(w Output, ev Event) {
	switch ev := ev.(type) {
	case ConfigUnreadable:
		w.Errf("%s", "Error: Can't open config file "+ev.Path+"\n")
	case ConfigSyntax:
		w.Errf("%s", ev.report())
	}
}

// report is 5.2.7's text for a syntax error, final newline included. The
// token is cut at its first NUL byte, as 5.2.7 prints it through a C
// string.
func (e ConfigSyntax) report() string {
	var b strings.Builder
	b.WriteString("Error: ")
	b.WriteString(e.Msg)
	b.WriteString("\n")
	if e.AtEOF {
		b.WriteString("       Unexpected EOF while parsing configuration file")
		fmt.Fprintf(&b, "       While parsing line %d:\n", e.Line)
	} else {
		fmt.Fprintf(&b, "       While parsing line %d at token \"%s\"\n", e.Line, cString(e.Token))
	}
	b.WriteString("       Quitting!\n")
	return b.String()
}

// cString returns s up to its first NUL byte: what C's printf("%s") shows of
// a std::string's c_str().
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
