package event

import (
	"errors"
	"io/fs"

	"github.com/mailsync/mailsync/internal/store"
)

// The failures the engine reports about a box, with their scope (the
// box, the store, the mailbox's full name). Each is printed on stderr
// with 5.2.7's "Error: " lines; the error values underneath are the
// stores' own and carry no CLI wording of their own.

// OpenFailed: a box could not be opened or read. Cause is 5.2.7's
// wording of what it was opening it for ("opening and writing" for the
// first store, "fetching of mail ids" for the second); "" in list mode,
// which says no more than "Couldn't open".
type OpenFailed struct {
	Box, Store, Full string
	Cause            string
	Err              error
}

// CloseFailed: a box could not be closed (what was appended to it may
// not be durable).
type CloseFailed struct {
	Box, Store string
	Err        error
}

// CopyError: one message could not be copied. A destination that may
// not be written gets c-client's words.
type CopyError struct {
	ID              string
	From, FromStore string // the source mailbox's full name, its store
	To, ToStore     string
	Err             error
}

// ExpungeFailed: a box could not be expunged.
type ExpungeFailed struct {
	Full, Store string
	Err         error
}

// FlagFailed: the messages to delete could not be flagged.
type FlagFailed struct {
	Store string
	Err   error
}

// Failed is a failure whose error says all there is to say.
type Failed struct{ Err error }

func (OpenFailed) event()    {}
func (CloseFailed) event()   {}
func (CopyError) event()     {}
func (ExpungeFailed) event() {}
func (FlagFailed) event()    {}
func (Failed) event()        {}

// printProblem writes the failure events.
func (p Printer) printProblem(w Output, ev Event) {
	switch ev := ev.(type) {
	case OpenFailed:
		// A file that cannot be opened gets c-client's wording; any
		// other failure its own description.
		if errors.Is(ev.Err, fs.ErrPermission) || errors.Is(ev.Err, fs.ErrNotExist) {
			w.Errf("Error: Unable to open file %s\n", ev.Full)
		} else {
			w.Errf("Error: %s\n", Text(ev.Err))
		}
		w.Errf("Error: Couldn't open %s\n", ev.Full)
		if ev.Cause != "" {
			w.Errf("Error: Couldn't access mailbox \"%s\" in store \"%s\" for %s\n       Continuing with next mailbox\n", ev.Box, ev.Store, ev.Cause)
		}
	case CloseFailed:
		w.Errf("Error: Couldn't close mailbox \"%s\" in store \"%s\": %s\n", ev.Box, ev.Store, Text(ev.Err))
	case CopyError:
		if errors.Is(ev.Err, store.ErrReadOnly) || errors.Is(ev.Err, fs.ErrPermission) {
			w.Errf("Error: Can't open append mailbox: Permission denied\n") // c-client's words
		} else {
			w.Errf("Error: copy message %s from %s (store %s) to %s (store %s): %s\n", ev.ID,
				ev.From, ev.FromStore, ev.To, ev.ToStore, Text(ev.Err))
		}
	case ExpungeFailed:
		w.Errf("Error: expunge %s in store %s: %s\n", ev.Full, ev.Store, Text(ev.Err))
	case FlagFailed:
		w.Errf("Error: flag messages deleted in store %s: %s\n", ev.Store, Text(ev.Err))
	case Failed:
		w.Errf("Error: %s\n", Text(ev.Err))
	default:
		p.printRefusal(w, ev)
	}
}

// contactFailure is a failure to reach a server (imap.ContactError):
// 5.2.7 follows its reason with a line of its own naming the server.
type contactFailure interface {
	error
	ContactServer() string
}

// authCancelled is an authentication the user cancelled (an empty
// password): 5.2.7 follows c-client's reason with a line of its own.
type authCancelled interface {
	error
	AuthCancelled() bool
}

// Text is err's text on "Error: " lines: its own text, then, when its
// chain holds them, 5.2.7's "IMAP Authentication cancelled" line for a
// cancelled authentication and its "Can't contact server" line for a
// server that could not be contacted.
func Text(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	var a authCancelled
	if errors.As(err, &a) && a.AuthCancelled() {
		s += "\nError: IMAP Authentication cancelled"
	}
	var c contactFailure
	if errors.As(err, &c) {
		s += "\nError: Can't contact server " + c.ContactServer()
	}
	return s
}
