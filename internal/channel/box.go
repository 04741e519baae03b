package channel

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/store"
)

// openSide is one side of a box being synchronised: the box (its side,
// names and full()) and what opening and reading it gave.
type openSide struct {
	sideBox
	mb   store.Mailbox
	scan *scanned
	// victims are the indexes of the messages to delete (see victims),
	// once the plan is made.
	victims []int32
	// readOnly: the box could only be opened read-only (the user may
	// read it but not write it): it is not expunged.
	readOnly bool
	// expunged is the outcome of the expunge made with its deletions
	// (store.DeleteExpunger), nil when it was not.
	expunged *expungeResult
}

// expungeResult is what an expunge returned.
type expungeResult struct {
	n   int
	err error
}

// boxSync is what synchronising one box found and did.
type boxSync struct {
	// kept are the ids to record for the box, remain the "N remain." count.
	kept   []string
	remain int
	// keptFlags are the records of kept (flags sync only).
	keptFlags lastRecords
	// idless counts its messages without an id: -D must not delete a box
	// that still holds them.
	idless int
	// clean: there was nothing to do (the box may be entered as settled).
	clean bool
	// changed says which sides the sync wrote to (copies, deletions,
	// flag changes, an expunge); settleable, that once it did both
	// sides hold just the kept ids: no duplicate, no message without an
	// id or flagged \Deleted, no deletion left undone (-n, -s). A box
	// that changed one side only may then be entered as settled
	// (settled.go).
	changed    [2]bool
	settleable bool
	// failed: some part of the work failed (exit 1). keepLast: the box
	// must keep its last state, because a failure may have left it half
	// done (a copy that failed is instead left out of kept, so the next
	// run copies it again).
	failed, keepLast bool
	// ask is set (side index + 1) when the box stopped before changing
	// anything, until the run knows whether that side is empty
	// everywhere (emptied.go, concurrent.go).
	ask int
}

// halted is the result of a box that stopped before its work was done: it
// failed and keeps its last state.
var halted = boxSync{failed: true, keepLast: true}

// syncBox synchronises one box present on both sides (a and b: the box
// on each). last are the ids recorded for it after the last sync. pre,
// when not nil, is one side already read (settledBox).
func (e *Engine) syncBox(ctx context.Context, a, b sideBox, last []string, pre *preread) (res boxSync) {
	name := a.name
	e.emit(event.BoxStart{Box: name})
	t := idtable.New(last)
	var aheadA, ahead <-chan listing
	if pre != nil {
		t = pre.t
		ch := make(chan listing, 1)
		ch <- pre.l
		if pre.side == 0 {
			aheadA = ch
		} else {
			ahead = ch
		}
	}
	// Read the second side while the first is read (a server answers
	// while the local file is scanned); what is printed keeps its order.
	if ahead == nil {
		ahead = e.prefetch(ctx, b, t, idtable.SideB)
	}
	oa, err := e.openAndScan(ctx, a, "opening and writing", aheadA, t, idtable.SideA)
	if err != nil {
		if l := <-ahead; l.mb != nil {
			l.mb.Close()
		}
		return halted
	}
	ob, err := e.openAndScan(ctx, b, "fetching of mail ids", ahead, t, idtable.SideB)
	if err != nil {
		oa.mb.Close()
		return halted
	}
	// Closing makes appended messages durable (a backend may batch its
	// syncs until then): a box whose close fails keeps its last state.
	defer func() {
		for _, o := range []*openSide{oa, ob} {
			if o == nil {
				continue // closed by checkEmptied
			}
			if err := o.mb.Close(); err != nil {
				if !e.goneIn(err, o.side) {
					e.emit(event.CloseFailed{Box: name, Store: o.side.Name(), Err: err})
				}
				res.failed, res.keepLast = true, true
			}
		}
	}()

	plan, ask, ok := e.checkEmptied(ctx, &oa, &ob, t, t.Decide())
	if ask != 0 {
		return boxSync{ask: ask, keepLast: true}
	}
	if !ok {
		return halted
	}
	res.idless = oa.scan.idless + ob.scan.idless
	srcAB, srcBA := oa.scan.firstOf(plan.CopyAB), ob.scan.firstOf(plan.CopyBA)
	var fp *flagPlan
	if e.Opt.FlagSync {
		keywords := store.KeepsKeywords(oa.mb) && store.KeepsKeywords(ob.mb)
		fp = planFlags(t, oa.scan, ob.scan, &plan, last, e.lastRecordsOf(name), keywords, srcAB, srcBA)
	}
	res.clean = !fp.changes() && len(plan.CopyAB)+len(plan.CopyBA)+len(plan.DeleteA)+len(plan.DeleteB) == 0 &&
		len(oa.scan.dups)+len(ob.scan.dups) == 0 && res.idless == 0 &&
		oa.scan.trashed+ob.scan.trashed == 0 && !oa.scan.incomplete && !ob.scan.incomplete
	e.emit(event.Planned{Box: name, A: a.side.Name(), B: b.side.Name(),
		InA: oa.scan.count(), InB: ob.scan.count(),
		CopyAB: len(plan.CopyAB), CopyBA: len(plan.CopyBA),
		DeleteA: len(plan.DeleteA), DeleteB: len(plan.DeleteB)})
	oa.victims, ob.victims = victims(oa.scan), victims(ob.scan)
	if e.boxBrake(oa, ob) {
		return halted
	}
	deleting := !e.Opt.NoDelete && !e.Opt.Simulate
	var flagsAtA, flagsAtB []int32
	if fp != nil {
		flagsAtA, flagsAtB = movesAt(fp.onA), movesAt(fp.onB)
	}
	for _, x := range []struct {
		o      *openSide
		copies []int32
		flags  []int32
	}{{oa, srcAB, flagsAtA}, {ob, srcBA, flagsAtB}} {
		var gone []int32
		if deleting {
			gone = x.o.victims
		}
		flags := x.flags
		if !e.Opt.Long {
			flags = nil // a flag change needs the key only (scanned.keys); -m prints the message
		}
		if err := e.loadDetails(ctx, x.o, needed(x.copies, gone, flags)); err != nil {
			if !e.goneIn(err, x.o.side) {
				e.emit(event.Failed{Err: err})
			}
			return halted
		}
	}
	res.remain = len(plan.Kept)

	e.emit(event.CopyingMessages{From: a.side.Name(), To: b.side.Name()})
	e.emit(event.Opening{Full: a.full(), Options: opReadOnly})
	e.openingAppend(b.side)
	nab, okab := e.copyAll(ctx, oa, ob, plan.CopyAB, srcAB, "->", " >")
	e.emit(event.CopyingMessages{From: b.side.Name(), To: a.side.Name()})
	e.emit(event.Opening{Full: b.full(), Options: opReadOnly})
	e.openingAppend(a.side)
	nba, okba := e.copyAll(ctx, ob, oa, plan.CopyBA, srcBA, "<-", "< ")
	// A copy that failed is left out of the state (idtable.Table.Drop): the next
	// run finds it new again and copies it again.
	res.failed = !okab || !okba
	var fab, fba int
	if fp != nil && ctx.Err() == nil {
		var okfab, okfba bool
		fab, okfab = e.applyFlags(ctx, ob, fp, fp.onB, "->")
		fba, okfba = e.applyFlags(ctx, oa, fp, fp.onA, "<-")
		res.failed = res.failed || !okfab || !okfba
	}

	e.emit(event.Counts{A: a.side.Name(), B: b.side.Name(), AB: nab, BA: nba})
	if fab+fba > 0 {
		e.emit(event.FlagCounts{A: a.side.Name(), B: b.side.Name(), AB: fab, BA: fba})
	}
	if ctx.Err() != nil {
		// Interrupted: what was copied is said; how many remain is not
		// known, and nothing more is changed (the run ends with one
		// "Error: interrupted" line).
		return halted
	}
	e.emit(event.Remain{Box: name, N: res.remain})
	if deleting && !e.deleteAndExpunge(ctx, oa, ob) {
		// Some deletions may be done and others not: the last state
		// keeps the deleted ids, so the next run deletes them again
		// rather than copying back what is left.
		res.failed, res.keepLast = true, true
	}
	res.kept = t.State(plan.Kept)
	res.keptFlags = fp.keptFlags(t, plan.Kept)
	res.changed = [2]bool{
		len(plan.CopyBA) > 0 || len(flagsAtA) > 0 || deleting && e.expunges(oa),
		len(plan.CopyAB) > 0 || len(flagsAtB) > 0 || deleting && e.expunges(ob),
	}
	res.settleable = !e.Opt.Simulate && (deleting || len(oa.victims)+len(ob.victims) == 0) &&
		len(oa.scan.dups)+len(ob.scan.dups) == 0 && res.idless == 0 &&
		oa.scan.trashed+ob.scan.trashed == 0 && !oa.scan.incomplete && !ob.scan.incomplete
	return res
}

// openAndScan opens box x of one side and reads its ids into t with mark
// (or takes it from prefetch: ahead), then prints what reading it printed.
// cause is the wording 5.2.7 uses when it cannot ("opening and writing"
// for the first store, "fetching of mail ids" for the second).
func (e *Engine) openAndScan(ctx context.Context, x sideBox, cause string, ahead <-chan listing, t *idtable.Table, mark idtable.Mark) (*openSide, error) {
	s, full := x.side, x.full()
	e.emit(event.Opening{Full: full, Options: opReadOnly})
	if ahead == nil {
		ahead = e.prefetch(ctx, x, t, mark)
	}
	l := <-ahead
	err := l.err
	if l.mb != nil {
		e.fetchingIDs(x)
		if err == nil {
			e.replayScan(l.out)
			if l.scan.incomplete {
				e.fail()
			}
			if n := len(l.scan.dups); n > 0 {
				e.emit(event.Duplicates{Store: s.Name(), N: n})
			}
			return &openSide{sideBox: x, mb: l.mb, scan: l.scan, readOnly: l.readOnly}, nil
		}
		l.mb.Close()
	}
	if e.storeGone(s, err) {
		return nil, fmt.Errorf("open %s: %w", full, err)
	}
	e.emit(event.OpenFailed{Box: x.name, Store: s.Name(), Full: full, Cause: cause, Err: err})
	return nil, fmt.Errorf("open %s: %w", full, err)
}

// listing is a box opened and read, maybe ahead of its use.
type listing struct {
	mb       store.Mailbox // nil when Open failed
	readOnly bool          // opened read-only: the user may not write it
	scan     *scanned
	out      *scanOut // what reading it reported
	err      error
}

// prefetch opens box x and reads its ids into t with mark, in the
// background. It prints nothing: the caller reports, in order.
func (e *Engine) prefetch(ctx context.Context, x sideBox, t *idtable.Table, mark idtable.Mark) <-chan listing {
	ch := make(chan listing, 1)
	s := x.side
	go func() {
		var l listing
		if wo, ok := s.Store.(store.WholeOpener); ok && x.whole {
			l.mb, l.err = wo.OpenWhole(ctx, x.mailbox, e.mode())
		} else {
			l.mb, l.err = s.Store.Open(ctx, x.mailbox, e.mode())
		}
		if l.err != nil && e.mode() == store.ReadWrite && errors.Is(l.err, fs.ErrPermission) {
			// A box the user may read but not write is read, and its
			// messages copied out, as 5.2.7 does; what would change it
			// fails on its own (copies into it, its deletions).
			if mb, err := s.Store.Open(ctx, x.mailbox, store.ReadOnly); err == nil {
				l.mb, l.err, l.readOnly = mb, nil, true
			}
		}
		if l.err != nil {
			l.mb = nil
		} else {
			l.scan, l.out, l.err = e.scanBox(ctx, l.mb, e.style(), t, mark, true)
		}
		ch <- l
	}()
	return ch
}
