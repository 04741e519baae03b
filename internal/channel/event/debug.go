package event

import (
	"fmt"
	"strconv"

	"github.com/mailsync/mailsync/internal/store"
)

// The events of -d (doc/design/behaviour.md#debug-output): 5.2.7's trace
// of what it opens, lists, reads, copies and removes, which the engine
// and cmd/mailsync emit whatever the options, and which the Printer words
// only when its Debug is set. All go to stdout, in the order of the
// other lines. The IMAP protocol trace of -di is not among them: it is a
// byte trace of the wire, written by the connection (doc/design/engine.md,
// "Events and the printer").

// Opening: 5.2.7 opens a c-client stream on Full (a mailbox's full name,
// or a server as configured for a connection to a whole store) with
// c-client's open options: OP_DEBUG 1, OP_READONLY 2, OP_HALFOPEN 64.
type Opening struct {
	Full    string
	Options int
}

// CopyingMessages begins one direction of a box's copies, from store
// From to store To.
type CopyingMessages struct{ From, To string }

// Removing begins the deletions in a store's side of a box.
type Removing struct{ Store string }

// Expunging begins the expunges of a box's two sides.
type Expunging struct{}

// MessageFlags are the flags of a message being copied (also under -s).
type MessageFlags struct{ Flags store.Flags }

// FetchingIDs: the ids of a mailbox are read; Mailbox is c-client's name
// of it (a local file's absolute path, a server's stream name).
type FetchingIDs struct{ Mailbox string }

// NotSelectable: a box that cannot hold messages is skipped.
type NotSelectable struct{ Box string }

// BoxCreated: box Box was created in store Store, or its creation
// failed (what follows is then said by CreateFailed, or nothing for an
// empty parent folder).
type BoxCreated struct {
	Box, Store string
	Failed     bool
}

// NoDriver: c-client found no driver for the store's name; 5.2.7 says so
// for every store it lists, before its items.
type NoDriver struct{ Store string }

// StoreItems are the entries a store listed, in the order listed. Lead
// is what goes before each name: for a server the listing stream's name
// and the list prefix, for a local store nothing.
type StoreItems struct {
	Store string
	Lead  string
	Items []store.ListEntry
}

// Delimiter is a listed store's hierarchy delimiter.
type Delimiter struct {
	Store string
	Delim byte
}

// SeenMailboxes are the box names of the channel's two stores.
type SeenMailboxes struct{ First, Second []string }

// ReadingLast begins the ids the msinfo holds for a channel's boxes.
type ReadingLast struct{ Channel string }

// LastIDs are, for a store's boxes as listed, how many ids the msinfo
// holds for each.
type LastIDs struct {
	Store string
	Boxes []LastBox
}

// LastBox is a box of LastIDs and the number of its ids.
type LastBox struct {
	Box string
	N   int
}

// SettledNotSaved: the book of settled boxes could not be written; that
// costs the next run speed only.
type SettledNotSaved struct{ Err error }

// FlagRecordsNotDropped: the flag records of a channel without flags
// sync could not be dropped from its flag state file.
type FlagRecordsNotDropped struct{ Err error }

func (Opening) event()               {}
func (CopyingMessages) event()       {}
func (Removing) event()              {}
func (Expunging) event()             {}
func (MessageFlags) event()          {}
func (FetchingIDs) event()           {}
func (NotSelectable) event()         {}
func (BoxCreated) event()            {}
func (NoDriver) event()              {}
func (StoreItems) event()            {}
func (Delimiter) event()             {}
func (SeenMailboxes) event()         {}
func (ReadingLast) event()           {}
func (LastIDs) event()               {}
func (SettledNotSaved) event()       {}
func (FlagRecordsNotDropped) event() {}

func (Opening) debug()               {}
func (CopyingMessages) debug()       {}
func (Removing) debug()              {}
func (Expunging) debug()             {}
func (MessageFlags) debug()          {}
func (FetchingIDs) debug()           {}
func (NotSelectable) debug()         {}
func (BoxCreated) debug()            {}
func (NoDriver) debug()              {}
func (StoreItems) debug()            {}
func (Delimiter) debug()             {}
func (SeenMailboxes) debug()         {}
func (ReadingLast) debug()           {}
func (LastIDs) debug()               {}
func (SettledNotSaved) debug()       {}
func (FlagRecordsNotDropped) debug() {}

// debugEvent is an event printed only under -d.
type debugEvent interface {
	Event
	debug()
}

// IsDebug reports whether ev is one of the -d events, which a Printer
// without Debug does not print.
func IsDebug(ev Event) bool {
	_, ok := ev.(debugEvent)
	return ok
}

// printDebug writes a -d event's lines.
func printDebug(w Output, ev Event) {
	switch ev := ev.(type) {
	case Opening:
		w.Out("Opening " + ev.Full + " with options " + strconv.Itoa(ev.Options) + "\n")
	case CopyingMessages:
		w.Out(fmt.Sprintf(" Copying messages from store %q to store %q\n", ev.From, ev.To))
	case Removing:
		w.Out(fmt.Sprintf(" Removing messages from store %q\n", ev.Store))
	case Expunging:
		w.Out(" Expunging messages\n")
	case MessageFlags:
		w.Out(" Flags: \"" + debugFlags(ev.Flags) + "\"\n")
	case FetchingIDs:
		w.Out(" Fetching message id's in mailbox \"" + ev.Mailbox + "\"\n")
	case NotSelectable:
		w.Out(ev.Box + " is not selectable: skipping\n")
	case BoxCreated:
		if ev.Failed {
			w.Out("Failed to create " + ev.Box + " in " + ev.Store + "\n")
		} else {
			w.Out("Created " + ev.Box + " in " + ev.Store + "\n")
		}
	case NoDriver:
		w.Out("No driver for store " + ev.Store + " found\n")
	case StoreItems:
		w.Out(storeItems(ev))
	case Delimiter:
		w.Out(fmt.Sprintf(" Delimiter for store %q is '%c'\n", ev.Store, ev.Delim))
	case SeenMailboxes:
		s := " All seen mailboxes: \n  in first store: \n"
		for _, n := range ev.First {
			s += n + " "
		}
		s += "  in second store: \n"
		for _, n := range ev.Second {
			s += n + " "
		}
		w.Out(s + "\n")
	case ReadingLast:
		w.Out(fmt.Sprintf(" Reading lasttime of channel %q\n", ev.Channel))
	case LastIDs:
		s := "   Store " + ev.Store + ":\n"
		for _, b := range ev.Boxes {
			s += "    " + b.Box + "(" + strconv.Itoa(b.N) + ") \n"
		}
		w.Out(s + "\n")
	case SettledNotSaved:
		w.Out(fmt.Sprintf("Could not save the settled boxes: %v\n", ev.Err))
	case FlagRecordsNotDropped:
		w.Out(fmt.Sprintf("Could not drop the flag records: %v\n", ev.Err))
	}
}

// storeItems is the header and one line per entry of a store's listing,
// with the attributes c-client gave 5.2.7's mm_list.
func storeItems(ev StoreItems) string {
	s := fmt.Sprintf(" Items in store %q:\n", ev.Store)
	for _, e := range ev.Items {
		s += "  " + ev.Lead + e.Name
		if e.NoInferiors {
			s += ", no inferiors"
		}
		if e.NoSelect {
			s += ", no select"
		}
		if e.Marked {
			s += ", marked"
		}
		if e.Unmarked {
			s += ", unmarked"
		}
		s += "\n"
	}
	return s
}

// debugFlags renders flags as 5.2.7's -d " Flags:" line does: each
// set flag after a blank, in c-client's order.
func debugFlags(f store.Flags) string {
	s := ""
	for _, x := range []struct {
		f    store.Flags
		name string
	}{{store.Seen, `\Seen`}, {store.Deleted, `\Deleted`}, {store.Flagged, `\Flagged`}, {store.Answered, `\Answered`}, {store.Draft, `\Draft`}} {
		if f&x.f != 0 {
			s += " " + x.name
		}
	}
	return s
}
