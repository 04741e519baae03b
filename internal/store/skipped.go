package store

import "fmt"

// SkippedError is returned by Mailbox.Messages together with the messages
// it did list when the backend left some out because it refuses to hold
// them (an IMAP server's header of absurd size: doc/design/trust-memory.md).
// The caller uses the list, reports each message left out (a LeftOut
// note, worded by the printer) and counts the run as failed (exit
// status 1).
type SkippedError struct {
	// Left are the messages left out, in listing order.
	Left []LeftOut
}

func (e *SkippedError) Error() string {
	if len(e.Left) == 1 {
		l := e.Left[0]
		return fmt.Sprintf("message UID %d of mailbox %s on server %s left out", l.UID, l.Mailbox, l.Server)
	}
	return fmt.Sprintf("%d messages left out", len(e.Left))
}

// LeftOut is a message a store left out of a listing because its header
// fields are larger than the store holds: a Note, carried by
// SkippedError.
type LeftOut struct {
	UID         uint64 // its UID in the mailbox
	Mailbox     string // the mailbox's name on the server
	Server      string // the server (host:port)
	HeaderBytes int64  // the size of its header fields as announced
	Limit       int64  // the most the store holds
}
