package store

import "strings"

// SkippedError is returned by Mailbox.Messages together with the messages
// it did list when the backend left some out because it refuses to hold
// them (an IMAP server's header of absurd size: doc/design/trust-memory.md).
// The caller uses the list, prints the warnings and counts the run as
// failed (exit status 1).
type SkippedError struct {
	// Warnings are complete "Warning: ..." lines without newline, one
	// per message left out, naming the message, box and server.
	Warnings []string
}

func (e *SkippedError) Error() string { return strings.Join(e.Warnings, "; ") }
