package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// A box that an earlier sync left holding just the ids it recorded, and
// whose sides and msinfo entry are unchanged since (package settled), is
// not read again: Sync emits the events syncBox would emit for it
// (package event) and keeps its state. A side that sync changed has no
// signature in the book: it is read, and the box is settled when that
// side holds the recorded ids (and, with flags sync, the recorded flags);
// otherwise the box is synchronised with what was read
// (doc/design/wan.md, "Settled after a change").

// boxSigs are the signatures of a box's two sides, taken before it is
// read; nil for a side whose store gave none.
type boxSigs struct{ a, b []byte }

// signatures returns the signatures of a box on both sides (a and b), or
// nil when the run keeps no book or prints what only reading a box shows
// (-d, -vb).
func (e *Engine) signatures(ctx context.Context, a, b sideBox) *boxSigs {
	if e.Book == nil || e.R.Debug || e.R.Vb {
		return nil
	}
	var sigs boxSigs
	if s, ok := a.side.Store.(store.Signer); ok {
		if x, ok := s.Signature(ctx, a.mailbox); ok {
			sigs.a = x
		}
	}
	if s, ok := b.side.Store.(store.Signer); ok {
		if y, ok := s.Signature(ctx, b.mailbox); ok {
			sigs.b = y
		}
	}
	return &sigs
}

// preread is one side of a box read to check that it is settled, and
// found not to be: the box's sync goes on with it.
type preread struct {
	t    *idtable.Table
	side int // 0: the first store, 1: the second
	l    listing
}

// settledBox reports whether a box (a and b: its two sides) is settled
// with signatures sigs and last state last (reading the side its book
// entry says to read); it then emits what its sync would emit and keeps
// its book entry. When the side read shows it is not, pre is that read.
// er, when not nil, is the second side read early (early.go): used as
// that side's read, or handed back unused (left).
func (e *Engine) settledBox(ctx context.Context, a, b sideBox, sigs *boxSigs, last []string, er *earlyRead) (ok bool, pre *preread, left *earlyRead) {
	if sigs == nil {
		return false, nil, er
	}
	name := a.name
	entry, found := e.Book.Lookup(name)
	if !found {
		return false, nil, er
	}
	read, match := entry.Check(sigs.a, sigs.b, settled.DigestOf(last))
	if !match {
		return false, nil, er
	}
	if read >= 0 {
		x, mark := a, idtable.SideA
		if read == 1 {
			x, mark = b, idtable.SideB
		}
		var t *idtable.Table
		var l listing
		if read == 1 && er != nil {
			t, l, er = er.t, <-er.l, nil
		} else {
			t = idtable.New(last)
			l = <-e.prefetch(ctx, x, t, mark)
		}
		if !e.holdsRecorded(l, t, last, e.lastRecordsOf(name)) {
			return false, &preread{t: t, side: read, l: l}, er
		}
		if err := l.mb.Close(); err != nil {
			return false, nil, er // read again, and the failure reported, by its sync
		}
		// The side read held what was recorded, and its signature was
		// taken before: the next run need not read it (as after a
		// sync that found nothing to do).
		if read == 0 {
			entry.A = sigs.a
		} else {
			entry.B = sigs.b
		}
	}
	e.Book.Keep(name, entry)
	n := len(last)
	// The events syncBox emits for a box with nothing to do
	// (TestSettledEmitsWhatReadEmits holds the two together).
	e.emit(event.BoxStart{Box: name})
	e.emit(event.Planned{Box: name, A: a.side.Name(), B: b.side.Name(), InA: n, InB: n, Settled: true})
	e.emit(event.Counts{A: a.side.Name(), B: b.side.Name()})
	e.emit(event.Remain{Box: name, N: n})
	return true, nil, er
}

// holdsRecorded reports whether the side read into l (its ids entered in
// t, made from last) holds the ids last and nothing else, each once, none
// flagged \Deleted, with nothing to report of its reading; with flags
// sync, each with its flags as recorded in lr, and its keywords too when
// the box has keyword records.
func (e *Engine) holdsRecorded(l listing, t *idtable.Table, last []string, lr lastRecords) bool {
	if l.err != nil || l.mb == nil {
		return false
	}
	sc := l.scan
	if sc.incomplete || len(sc.dups) > 0 || sc.idless > 0 || sc.trashed > 0 ||
		sc.count() != len(last) || t.Len() != len(last) || len(l.out.events) > 0 {
		return false
	}
	if !e.Opt.FlagSync {
		return true
	}
	if len(lr.flags) != len(last) {
		return false
	}
	for _, r := range lr.flags {
		if _, ok := flagstate.Flags(r); !ok {
			return false // an id without a record: its flags are not known
		}
	}
	keywords := lr.keywords != nil
	if keywords {
		if len(lr.keywords) != len(last) || !store.KeepsKeywords(l.mb) {
			return false
		}
		for _, r := range lr.keywords {
			if _, ok := flagstate.RecordedKeywords(r); !ok {
				return false // a copy's keywords: the next sync gives them
			}
		}
	}
	return len(diffFlags(t, sc, last, lr, keywords)) == 0
}

// recordSettled enters box name in the book after a sync that began with
// signatures sigs and ended with res: with both signatures when it found
// nothing to do, with the signature of the side it left alone when it
// changed only the other.
func (e *Engine) recordSettled(name string, sigs *boxSigs, res boxSync) {
	if sigs == nil || res.failed || res.keepLast {
		return
	}
	entry := settled.Entry{IDs: settled.DigestOf(res.kept)}
	switch {
	case res.clean:
		entry.A, entry.B = sigs.a, sigs.b
	case !res.settleable || res.changed[0] == res.changed[1]:
		return
	case res.changed[0]:
		entry.B = sigs.b
	default:
		entry.A = sigs.a
	}
	if len(entry.A) == 0 && len(entry.B) == 0 || res.clean && (len(entry.A) == 0 || len(entry.B) == 0) {
		return
	}
	e.Book.Keep(name, entry)
}
