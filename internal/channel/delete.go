package channel

import (
	"context"
	"slices"
	"strings"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/store"
)

// deleteAndExpunge flags the messages to delete on both sides of a box
// (their victims) and expunges (doc/design/behaviour.md#deleting-and-expunging).
func (e *Engine) deleteAndExpunge(ctx context.Context, oa, ob *openSide) bool {
	ok := true
	e.emit(event.Removing{Store: oa.side.Name()})
	e.emit(event.Opening{Full: oa.full()})
	if !e.markDeleted(ctx, oa, "< ") {
		ok = false
	}
	e.emit(event.Removing{Store: ob.side.Name()})
	e.emit(event.Opening{Full: ob.full()})
	if !e.markDeleted(ctx, ob, "> ") {
		ok = false
	}
	e.emit(event.Expunging{})
	for _, o := range []*openSide{oa, ob} {
		if !e.expunges(o) {
			continue
		}
		var n int
		var err error
		if o.expunged != nil {
			n, err = o.expunged.n, o.expunged.err // with its deletions (markDeleted)
		} else {
			n, err = o.mb.Expunge(ctx)
		}
		if err != nil {
			if !e.goneIn(err, o.side) {
				e.emit(event.ExpungeFailed{Full: o.full(), Store: o.side.Name(), Err: err})
			}
			ok = false
			continue
		}
		if n > 0 {
			e.emit(event.Expunged{Store: o.side.Name(), N: n})
		}
	}
	return ok
}

// expunges reports whether side o is expunged after its deletions.
func (e *Engine) expunges(o *openSide) bool {
	if o.readOnly {
		return false // its deletions failed, if it had any
	}
	// Unless no message is flagged \Deleted (none was when the box was
	// read, none was now, none was copied so): an expunge would remove
	// nothing, and costs a server a round trip per box
	// (doc/design/wan.md).
	return len(o.victims) > 0 || o.scan.trashed > 0 || o.scan.incomplete || e.Opt.CopyDeleted
}

// victims returns the indexes of the messages to delete in one side: every
// occurrence of an id deleted on the other side and, per doc/design/decisions.md#d2-duplicates, every later
// occurrence of a duplicated id (the first one stays). They are in byte
// order of their ids (5.2.7 walks its id set in that order), an id's
// occurrences in mailbox order.
func victims(sc *scanned) []int32 {
	var idx []int32
	d := 0 // the next of sc.dups
	for i, n := range sc.nums {
		dup := d < len(sc.dups) && sc.dups[d] == int32(i)
		if dup {
			d++
		}
		if dup || n != idtable.NoID && sc.t.GoneFrom(n, sc.mark) {
			idx = append(idx, int32(i))
		}
	}
	slices.SortStableFunc(idx, func(x, y int32) int {
		return strings.Compare(sc.t.Str(sc.nums[x]), sc.t.Str(sc.nums[y]))
	})
	return idx
}

// markDeleted flags the victims of one side.
func (e *Engine) markDeleted(ctx context.Context, o *openSide, dir string) bool {
	if len(o.victims) == 0 {
		return true
	}
	keys := make([]uint64, len(o.victims))
	for j, i := range o.victims {
		keys[j] = o.scan.det.Rec(i).Key
		e.warnRepair(o.scan.repairOf(i)) // the re-check before deleting
		if e.Opt.Long {
			e.emit(event.Message{Action: event.Deleted, Dir: dir, From: summary(&o.scan.det, i)})
		}
	}
	var err error
	if de, ok := o.mb.(store.DeleteExpunger); ok && e.expunges(o) {
		// Flagged and expunged in one round trip; the expunge's
		// outcome is reported in its turn (deleteAndExpunge).
		x := &expungeResult{}
		err, x.n, x.err = de.MarkDeletedAndExpunge(ctx, keys)
		o.expunged = x
	} else {
		err = o.mb.MarkDeleted(ctx, keys)
	}
	if err != nil {
		if !e.goneIn(err, o.side) {
			e.emit(event.FlagFailed{Store: o.side.Name(), Err: err})
		}
		return false
	}
	return true
}
