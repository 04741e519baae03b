package config

import (
	"fmt"
	"strings"
)

// OpenError reports a configuration file that is missing, unreadable or not
// a regular file.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("cannot open config file %s: %v", e.Path, e.Err)
}

func (e *OpenError) Unwrap() error { return e.Err }

// Report returns the text 5.2.7 writes to stderr for this error.
func (e *OpenError) Report() string {
	return "Error: Can't open config file " + e.Path + "\n"
}

// ParseError is a syntax error in the configuration file. Msg is 5.2.7's
// message, Line its line count (newlines consumed so far, including one that
// ended the offending token) and Token the offending token. AtEOF is set when
// the end of the file was reached while reading that token.
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

// Report returns the exact text 5.2.7 writes to stderr for this error,
// including the final newline. The token is cut at its first NUL byte, as
// 5.2.7 prints it through a C string.
func (e *ParseError) Report() string {
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
