package config

import (
	"fmt"
	"strings"
)

// OpenError reports a configuration file that is missing, unreadable or not
// a regular file. The command prints it as 5.2.7 does (event.ConfigUnreadable,
// package channel/event).
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("cannot open config file %s: %v", e.Path, e.Err)
}

func (e *OpenError) Unwrap() error { return e.Err }

// ParseError is a syntax error in the configuration file. Msg is 5.2.7's
// message, Line its line count (newlines consumed so far, including one that
// ended the offending token) and Token the offending token. AtEOF is set when
// the end of the file was reached while reading that token. The command
// prints it as 5.2.7 does: it converts to event.ConfigSyntax (package
// channel/event), which has the same fields.
type ParseError struct {
	Msg   string
	Line  int
	Token string
	AtEOF bool
}

func (e *ParseError) Error() string {
	if e.AtEOF {
		return fmt.Sprintf("config line %d: %s at end of file", e.Line, e.Msg)
	}
	return fmt.Sprintf("config line %d: %s at token %q", e.Line, e.Msg, e.Token)
}

// cString returns s up to its first NUL byte: what C's printf("%s") shows of
// a std::string's c_str().
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
