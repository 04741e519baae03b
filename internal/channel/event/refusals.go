package event

// The brakes' refusals and the warnings about boxes left out, with their
// scope (doc/design/brakes.md, doc/design/trust.md "Names",
// doc/design/trust-liveness.md "A dead store"). They are the clone's own
// lines, not 5.2.7's.

// StoreListsNone: the run is refused because a store lists no mailbox
// while the msinfo remembers Msgs messages in Boxes boxes for it.
type StoreListsNone struct {
	Store       string
	Msgs, Boxes int
}

// AllEmpty: the run is refused because every box of a store that the
// msinfo remembers messages for is empty or missing there.
type AllEmpty struct {
	Store       string
	Msgs, Boxes int
}

// TooManyDeletes: a box is skipped because it would delete N of its
// Total messages in a store, more than --max-delete=Max percent.
type TooManyDeletes struct {
	Box, Store    string
	N, Total, Max int
}

// Vanished: a box is skipped because it is no longer listed in store
// Gone, so N messages of it would be deleted in store Here.
type Vanished struct {
	Box, Gone, Here string
	N               int
}

// StoreGone: a store cannot be reached any more; Reason is why.
type StoreGone struct {
	Store  string
	Reason error
}

// CreateFailed: a box could not be created in a store. Full is the
// mailbox's full name there.
type CreateFailed struct {
	Full, Store string
	Err         error
}

// Escapes: a box is skipped because its name, as store From listed it,
// could reach outside store To. Mailbox is its name in From, Why says
// what is wrong with it.
type Escapes struct {
	Mailbox, From, To, Why string
}

// SlashInName: a store whose delimiter is not '/' lists a box whose
// name holds a '/'; it is left out (5.2.7's words, on stdout, without
// a newline).
type SlashInName struct{ Box string }

// NameClash: a local box is skipped because its name on a server,
// ServerName, is already the name of its box Other.
type NameClash struct {
	Mailbox, Store, ServerName, Other string
}

// Unrecordable: a box is synchronised but left out of the msinfo: its
// name begins with "<" or "From ", which the format cannot hold.
type Unrecordable struct{ Box string }

func (Unrecordable) event()   {}
func (SlashInName) event()    {}
func (NameClash) event()      {}
func (StoreListsNone) event() {}
func (AllEmpty) event()       {}
func (TooManyDeletes) event() {}
func (Vanished) event()       {}
func (StoreGone) event()      {}
func (CreateFailed) event()   {}
func (Escapes) event()        {}

// printRefusal writes the refusal and warning events.
func (p Printer) printRefusal(w Output, ev Event) {
	switch ev := ev.(type) {
	case StoreListsNone:
		w.Errf("Error: store %s lists no mailboxes, but the msinfo remembers %d %s in %d %s for it; "+
			"refusing to delete them on the other side. If the mailboxes were really removed, "+
			"delete the msinfo entry (or run with --max-delete=100).\n",
			ev.Store, ev.Msgs, Plural(ev.Msgs, "message", "messages"), ev.Boxes, Plural(ev.Boxes, "box", "boxes"))
	case AllEmpty:
		w.Errf("Error: every mailbox of store %s that the msinfo remembers messages for is empty or missing "+
			"(%d %s in %d %s); refusing to delete them on the other side. If they were really removed, "+
			"delete the msinfo entry (or run with --max-delete=100).\n",
			ev.Store, ev.Msgs, Plural(ev.Msgs, "message", "messages"), ev.Boxes, Plural(ev.Boxes, "box", "boxes"))
	case TooManyDeletes:
		w.Errf("Error: %d of the %d messages of mailbox %s in store %s would be deleted (%d%%), "+
			"more than --max-delete=%d allows; skipping this mailbox. "+
			"If the deletions are intended, run with a higher --max-delete.\n",
			ev.N, ev.Total, ev.Box, ev.Store, ev.N*100/ev.Total, ev.Max)
	case Vanished:
		w.Errf("Error: mailbox %s is no longer listed in store %s, so %d %s of it in store %s would be deleted; "+
			"skipping this mailbox. If it was really removed or renamed, run with --max-delete=100.\n",
			ev.Box, ev.Gone, ev.N, Plural(ev.N, "message", "messages"), ev.Here)
	case StoreGone:
		w.Errf("Error: Store %s cannot be reached any more, its remaining mailboxes are skipped: %s\n", ev.Store, Text(ev.Reason))
	case CreateFailed:
		w.Errf("Error: Couldn't create mailbox %s in store %s: %s\n", ev.Full, ev.Store, Text(ev.Err))
	case SlashInName:
		w.Out("Error: Name of mailbox " + ev.Box + " contains standard delimiter '/'\n       That means that I will not be able to synchronize it!")
	case NameClash:
		w.Errf("Warning: skipping mailbox %q of store %s: its name on a server, %s, is the name of its mailbox %q\n",
			ev.Mailbox, ev.Store, ev.ServerName, ev.Other)
	case Escapes:
		w.Errf("Warning: skipping mailbox %q of store %s: its name %s, so it could reach outside store %s\n",
			ev.Mailbox, ev.From, ev.Why, ev.To)
	case Unrecordable:
		w.Errf("Warning: mailbox %q is not recorded in the msinfo (a box name beginning with \"<\" or \"From \" "+
			"does not survive its format); deletions in it are not propagated\n", ev.Box)
	default:
		p.printRun(w, ev)
	}
}
