// Package header reads the header fields of a raw message the way
// mailsync 5.2.7 sees them through UW c-client: header lines are unfolded
// by c-client's rules, address lists are parsed by a port of c-client's
// lenient RFC 2822 parser, and the 61-character "from part" of mailsync's
// -m/-M lines is built from the result (doc/design/behaviour.md#message-line,
// doc/design/decisions.md#d13-encoded-words).
//
// Every function takes the raw header section of a message (LF or CRLF
// line ends, possibly without the terminating empty line) and never fails:
// like c-client, it makes the best of malformed input.
package header
