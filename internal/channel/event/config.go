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

// ReadablePasswords: the configuration file holds a password and other
// users may read it (the clone's own warning; 5.2.7 does not check).
type ReadablePasswords struct{ Path string }

// UnknownName: a name on the command line is neither a channel nor a
// store of the configuration.
type UnknownName struct{ Name string }

// NoMode: the names on the command line are no mode's (one channel; one
// channel and one store; one store).
type NoMode struct{ Channels, Stores int }

// BadArguments: the command line cannot be read; 5.2.7 prints this on
// stdout, after its usage text (which the command prints).
type BadArguments struct{ Err error }

func (ConfigUnreadable) event()  {}
func (ConfigSyntax) event()      {}
func (ReadablePasswords) event() {}
func (UnknownName) event()       {}
func (NoMode) event()            {}
func (BadArguments) event()      {}

// printConfig writes the events of the configuration and the command
// line, printed before a run starts.
func printConfig(w Output, ev Event) {
	switch ev := ev.(type) {
	case ConfigUnreadable:
		w.Errf("%s", "Error: Can't open config file "+ev.Path+"\n")
	case ConfigSyntax:
		w.Errf("%s", ev.report())
	case ReadablePasswords:
		w.Errf("Warning: %s contains passwords and is readable by other users; run chmod 600 %s\n", ev.Path, ev.Path)
	case UnknownName:
		// sic: 5.2.7's "notbeen"
		w.Errf("Error: A channel or store named \"%s\" has notbeen configured\n", ev.Name)
	case NoMode:
		w.Errf("Don't know what to do with %d channels and %d stores.\n", ev.Channels, ev.Stores)
	case BadArguments:
		w.Out("Error: " + ev.Err.Error() + "\n")
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
