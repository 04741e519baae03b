package event

import (
	"fmt"
	"strconv"

	"github.com/mailsync/mailsync/internal/msgid"
)

// Output is where a Printer writes: stdout (Out), stderr (Errf) and the
// -v notes (Notef: printed only under -v, in brackets, on stderr).
// channel.Reporter is one.
type Output interface {
	Out(s string)
	Errf(format string, args ...any)
	Notef(format string, args ...any)
}

// Printer words events as 5.2.7 prints them. It is the only place that
// knows that wording for the events of this package.
type Printer struct {
	Long    bool // -m: the long format
	ShowIDs bool // -M: message lines show ids
	Debug   bool // -d: the debug events are printed (debug.go)
}

// Print writes what ev says to w.
func (p Printer) Print(w Output, ev Event) {
	if IsDebug(ev) {
		if p.Debug {
			printDebug(w, ev)
		}
		return
	}
	switch ev := ev.(type) {
	case BoxStart:
		if p.Long {
			w.Out("\n *** " + ev.Box + " ***\n\n")
		} else {
			w.Out(ev.Box + ": ")
		}
	case Duplicates:
		if p.Long {
			w.Out(fmt.Sprintf("%d %s for deletion in %s\n", ev.N, Plural(ev.N, "duplicate", "duplicates"), ev.Store))
		} else {
			w.Out(fmt.Sprintf("%d %s in %s, ", ev.N, Plural(ev.N, "duplicate", "duplicates"), ev.Store))
		}
	case Planned:
		settled := ""
		if ev.Settled {
			settled = " (settled)"
		}
		w.Notef("%s: %d messages in %s, %d in %s; %d to copy %s->%s, %d %s->%s; %d to delete in %s, %d in %s%s",
			ev.Box, ev.InA, ev.A, ev.InB, ev.B,
			ev.CopyAB, ev.A, ev.B, ev.CopyBA, ev.B, ev.A,
			ev.DeleteA, ev.A, ev.DeleteB, ev.B, settled)
	case Message:
		switch {
		case ev.Action == NoID && !p.Long:
			w.Out(Lead(ev.Action.String(), ev.Dir))
		case ev.Action == NoID || ev.Action == Deleted:
			w.Out(Lead(ev.Action.String(), ev.Dir) + ev.From + "\n")
		default:
			w.Out(Lead(ev.Action.String(), ev.Dir) + ev.From + p.IDColumn(ev.ID) + "\n")
		}
	case Listed:
		if ev.Dup {
			w.Out(Lead(Duplicate.String(), "") + p.IDColumn(ev.ID) + ev.From + "\n")
		} else {
			w.Out(p.IDColumn(ev.ID) + ev.From + "\n")
		}
	case IDRepaired:
		switch ev.Repair {
		case msgid.AddedBrackets:
			w.Errf("Warning: added brackets <> around message id %s\n", ev.ID)
		case msgid.ReplacedBlanks:
			w.Errf("Warning: replaced blanks with . in message id %s\n", ev.ID)
		}
	case NoMessageID:
		w.Out(`Warning: empty Message-ID header in message From: "` + ev.From +
			`" Subject: "` + ev.Subject + `" - please consult the README` + "\n")
	case Counts:
		s := "\n"
		if ev.AB > 0 {
			s += fmt.Sprintf("%d copied %s->%s.\n", ev.AB, ev.A, ev.B)
		}
		if ev.BA > 0 {
			s += fmt.Sprintf("%d copied %s->%s.\n", ev.BA, ev.B, ev.A)
		}
		w.Out(s)
	case Remain:
		switch {
		case p.Long:
			w.Out(fmt.Sprintf("%d messages remain in %s\n", ev.N, ev.Box))
		case ev.N == 1:
			w.Out("1 remains.\n")
		default:
			w.Out(strconv.Itoa(ev.N) + " remain.\n")
		}
	case Expunged:
		w.Out(fmt.Sprintf("Expunged %d %s in store %s\n", ev.N, Plural(ev.N, "mail", "mails"), ev.Store))
	default:
		p.printBoxes(w, ev)
	}
}

// String is the action column of a message line.
func (a Action) String() string {
	switch a {
	case Copied:
		return "copied"
	case CopyFailed:
		return "copyfail"
	case IgnoredDel:
		return "ign. del"
	case TooBig:
		return "too big"
	case Deleted:
		return "deleted"
	case Duplicate:
		return "duplicate"
	case NoID:
		return "no msg-id"
	}
	return "?"
}

// Lead is the action part of a message line
// (doc/design/behaviour.md#message-line).
func Lead(action, dir string) string {
	return fmt.Sprintf("  %-10s %s  ", action, dir)
}

// IDColumn is the -M id column of a line: the id padded to 65 bytes,
// or nothing without -M.
func (p Printer) IDColumn(id string) string {
	if !p.ShowIDs {
		return ""
	}
	return fmt.Sprintf("%-65s", id)
}

// Plural picks the singular or plural noun by count.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printBoxes writes the events about whole boxes outside a box's sync.
func (p Printer) printBoxes(w Output, ev Event) {
	switch ev := ev.(type) {
	case Creating:
		w.Out("Creating " + ev.Box + " in " + ev.Store + "\n")
	case DeletingBox:
		w.Out(ev.Box + ": deleting\n")
	case BoxDeleted:
		if ev.Failed {
			w.Out("  " + ev.Full + " failed\n")
		} else {
			w.Out("  " + ev.Full + "\n")
		}
	case WouldDelete:
		w.Out("Deleting " + ev.Box + " in " + ev.Store + "\n")
	case ListBox:
		switch {
		case !p.Long:
			w.Out(ev.Box + "\n")
		case ev.NoSelect:
			w.Out("\nMailbox: " + ev.Box + "\n  not selectable\n")
		default:
			w.Out("\nMailbox: " + ev.Box + "\n")
		}
	case DiffCounts:
		s := ""
		if ev.Dups > 0 && !p.Long {
			s += strconv.Itoa(ev.Dups) + " " + Plural(ev.Dups, "duplicate", "duplicates") + ", "
		}
		if ev.New > 0 {
			s += strconv.Itoa(ev.New) + " new, "
		}
		if ev.Deleted > 0 {
			s += strconv.Itoa(ev.Deleted) + " deleted, "
		}
		s += diffFlags(ev.Flags)
		w.Out(s + strconv.Itoa(ev.Now) + " currently at store " + ev.Store + ".\n")
	default:
		if !p.printFlags(w, ev) {
			p.printProblem(w, ev)
		}
	}
}
