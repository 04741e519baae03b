// Package event holds what mailsync reports, as typed values: what the
// sync engine (package channel) found and did in each box, and what the
// command (cmd/mailsync) prints around the boxes; and the one Printer
// that words them as mailsync 5.2.7 does. The engine decides and acts,
// and says what happened only through these events, so two paths that
// reach the same outcome (a box read and found with nothing to do, a
// settled box not read at all) emit the same events and print the same
// bytes. Errors from stores carry no CLI text: the printer words them
// (Text). See doc/design/engine.md, "Events and the printer".
//
// The package knows no engine and no backend: of the project it imports
// only internal/store, for the sentinel errors its printer words, and
// internal/msgid, for the kinds of id repairs.
package event

import "github.com/mailsync/mailsync/internal/msgid"

// Event is one thing the engine reports. The set is closed: every Event
// is one of the types of this package.
type Event interface{ event() }

// BoxStart begins the output of a box in sync and diff mode.
type BoxStart struct{ Box string }

// Duplicates is how many later copies of an id a store holds in the box
// being synchronised; they are deleted
// (doc/design/behaviour.md#duplicates).
type Duplicates struct {
	Store string
	N     int
}

// Planned is the -v note with what the 3-way decision found for a box:
// its messages on each side and what it copies and deletes. Settled: the
// box was not read (its sides and state are unchanged since a sync that
// found nothing to do), the counts are those that sync left.
type Planned struct {
	Box              string
	A, B             string // the store names
	InA, InB         int
	CopyAB, CopyBA   int
	DeleteA, DeleteB int
	Settled          bool
}

// Action is what a message line says was done with a message.
type Action uint8

// The actions of message lines: what -m prints per message
// (doc/design/behaviour.md#message-line).
const (
	Copied     Action = iota // copied to the other side
	CopyFailed               // its copy failed (-m only)
	IgnoredDel               // flagged deleted, not copied (no -cd)
	TooBig                   // over the channel's sizelimit, not copied
	Deleted                  // flagged deleted in its store
	Duplicate                // a later copy of an id, seen reading a box (-m)
	NoID                     // a message without id, seen reading a box
)

// Message is one message line: an action in a direction ("->", " >",
// "<-", "< "), the message's date/sender/subject summary and its id. A
// NoID line is, without -m, its action column alone (the line goes on
// with the box's counts).
type Message struct {
	Action Action
	Dir    string
	From   string // the date/from/subject part (header.Summary)
	ID     string // its id: shown with -M on copy lines
}

// Counts closes a box's line with how many messages were copied each
// way (the "N copied a->b." lines). It ends the box's first line, also
// when nothing was copied.
type Counts struct {
	A, B   string // the store names
	AB, BA int
}

// Remain is how many messages the box holds after its sync.
type Remain struct {
	Box string
	N   int
}

// Expunged is how many messages an expunge removed in a store.
type Expunged struct {
	Store string
	N     int
}

// Listed is a message line of list mode (-m): its id column (-M), then
// its summary; Dup marks a later copy of an id.
type Listed struct {
	ID, From string
	Dup      bool
}

// NoMessageID is 5.2.7's warning (on stdout) about a message without
// usable Message-ID when ids are Message-IDs: its From local part and
// Subject.
type NoMessageID struct{ From, Subject string }

// Creating: under -s, box Box would be created in store Store.
type Creating struct{ Box, Store string }

// DeletingBox begins the deletion of a box left empty (-D); WouldDelete
// is what -s prints instead, per store.
type DeletingBox struct{ Box string }

// BoxDeleted is one store's deletion of a box left empty (-D): its full
// name and whether it failed.
type BoxDeleted struct {
	Full   string
	Failed bool
}

// WouldDelete: under -s, box Box would be deleted in store Store (-D).
type WouldDelete struct{ Box, Store string }

// ListBox is a box of list mode: its name alone, or with -m the header
// of its message lines (and that it cannot hold messages).
type ListBox struct {
	Box      string
	NoSelect bool
}

// DiffCounts ends a box of diff mode: its duplicates (said here without
// -m), the ids new and deleted since the last sync and its ids now.
// Flags (flags sync only) counts the messages whose flags changed since
// the last sync.
type DiffCounts struct {
	Store                   string
	Dups, New, Deleted, Now int
	Flags                   int
}

// IDRepaired (-vb): a Message-ID had to be repaired to give the id ID.
type IDRepaired struct {
	ID     string
	Repair msgid.Repair
}

func (IDRepaired) event()  {}
func (BoxStart) event()    {}
func (Listed) event()      {}
func (NoMessageID) event() {}
func (Creating) event()    {}
func (DeletingBox) event() {}
func (BoxDeleted) event()  {}
func (WouldDelete) event() {}
func (ListBox) event()     {}
func (DiffCounts) event()  {}
func (Duplicates) event()  {}
func (Planned) event()     {}
func (Message) event()     {}
func (Counts) event()      {}
func (Remain) event()      {}
func (Expunged) event()    {}
