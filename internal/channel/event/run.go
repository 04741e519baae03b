package event

import (
	"fmt"
	"io"
)

// The events of a run around its boxes: what cmd/mailsync prints when a
// mode begins, when a store or the msinfo cannot be opened, and when the
// run ends early.

// SyncStart begins sync mode for a channel's two stores.
type SyncStart struct{ A, B string }

// DiffStart begins diff mode for a store.
type DiffStart struct{ Store string }

// ListStart begins list mode for a store.
type ListStart struct{ Store string }

// StoreOpenFailed: a store could not be opened (connected to, logged
// in to).
type StoreOpenFailed struct {
	Store string
	Err   error
}

// NoBoxes (-vw): a store's pattern matches no selectable mailbox.
type NoBoxes struct{}

// MsinfoOpenFailed: the msinfo could not be opened or read; the run
// aborts.
type MsinfoOpenFailed struct {
	Msinfo string
	Err    error
}

// MsinfoWriteFailed: the msinfo could not be written.
type MsinfoWriteFailed struct {
	Msinfo string
	Err    error
}

// Interrupted: the run was interrupted; the msinfo was left unchanged.
type Interrupted struct{}

// StoreNotConfigured: a channel names a store the configuration lacks.
type StoreNotConfigured struct{ Channel, Store string }

// NotInChannel: diff mode names a store the channel does not hold.
type NotInChannel struct{ Channel, Store string }

func (SyncStart) event()          {}
func (DiffStart) event()          {}
func (ListStart) event()          {}
func (StoreOpenFailed) event()    {}
func (NoBoxes) event()            {}
func (MsinfoOpenFailed) event()   {}
func (MsinfoWriteFailed) event()  {}
func (Interrupted) event()        {}
func (StoreNotConfigured) event() {}
func (NotInChannel) event()       {}

// printRun writes the events of a run around its boxes.
func (p Printer) printRun(w Output, ev Event) {
	switch ev := ev.(type) {
	case SyncStart:
		w.Out("Synchronizing stores \"" + ev.A + "\" <-> \"" + ev.B + "\"...\n")
	case DiffStart:
		w.Out("Comparing store \"" + ev.Store + "\" <-> \"" + ev.Store + "\"...\n")
	case ListStart:
		w.Out("Listing store \"" + ev.Store + "\"\n")
	case StoreOpenFailed:
		w.Errf("Error: %s\nError: Could not open a half open, read only connection to store %s\n", Text(ev.Err), ev.Store)
	case NoBoxes:
		w.Out(" Store pattern doesn't match any selectable mailbox\n")
	case MsinfoOpenFailed:
		w.Errf("Error: %s\nError: Couldn't open msinfo box %s.\n       Aborting!\n", Text(ev.Err), ev.Msinfo)
	case MsinfoWriteFailed:
		w.Errf("Error: write msinfo %s: %s\n", ev.Msinfo, Text(ev.Err))
	case Interrupted:
		w.Errf("Error: interrupted; the msinfo was left unchanged\n")
	case StoreNotConfigured:
		w.Errf("Error: Malconfigured channel %s\nThe configuration doesn't contain a store named \"%s\"\n", ev.Channel, ev.Store)
	case NotInChannel:
		w.Errf("Diff mode: channel %s doesn't contain store %s.\n", ev.Channel, ev.Store)
	case Note:
		printNote(w, ev.Note)
	default:
		printConfig(w, ev)
	}
}

// Streams is an Output that writes straight to two streams, for what is
// printed before a run's Reporter exists or beside it; it prints no -v
// notes.
type Streams struct{ Stdout, Stderr io.Writer }

func (s Streams) Out(x string)                    { io.WriteString(s.Stdout, x) }
func (s Streams) Errf(format string, args ...any) { fmt.Fprintf(s.Stderr, format, args...) }
func (s Streams) Notef(string, ...any)            {}
