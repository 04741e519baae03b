package channel

import (
	"context"
	"errors"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
)

// Flags sync (doc/design/flags.md): with Options.FlagSync, the scan keeps
// each message's flags (scanned.flags, a byte a message); once the plan
// is made, planFlags applies the three-way rule per flag to each id both
// sides have, between the flags of their kept copies (a side's first
// message with the id) and the record of the last sync, and after the
// copies each side gets its changes in one store.FlagSetter call. The
// new records go out with the box's kept ids (boxSync.keptFlags).

// errNoFlagSetter is the failure of a box whose mailbox cannot change
// the flags of its messages.
var errNoFlagSetter = errors.New("this kind of mailbox cannot change the flags of its messages (flags sync)")

// flagMove is one message's flag change on one side.
type flagMove struct {
	n           int32 // its id number
	at          int32 // the index of the message changed in its side
	add, remove store.Flags
}

// flagPlan is what flags sync does in one box: the changes to make on
// each side (in byte order of the ids) and each id's record.
type flagPlan struct {
	onA, onB []flagMove
	// old is each id's record after the last sync and rec its record
	// after this one, by id number (0: none).
	old, rec []byte
}

// changes reports whether the plan changes any flag.
func (fp *flagPlan) changes() bool { return fp != nil && len(fp.onA)+len(fp.onB) > 0 }

// planFlags computes the flag changes of a box whose ids are in t, with
// plan its three-way decision, last its ids after the last sync and
// lastRec their records (flagstate.Records), srcAB and srcBA the indexes
// of the copies' sources (firstOf).
func planFlags(t *idtable.Table, a, b *scanned, plan *idtable.Plan, last []string, lastRec []byte, srcAB, srcBA []int32) *flagPlan {
	fp := &flagPlan{old: make([]byte, t.Len()), rec: make([]byte, t.Len())}
	for k, id := range last {
		if k >= len(lastRec) {
			break
		}
		if n, ok := t.Lookup(id); ok {
			fp.old[n] = lastRec[k]
		}
	}
	// A message copied by this run is recorded with the flags it was
	// copied with.
	for k, n := range plan.CopyAB {
		fp.rec[n] = flagstate.Record(a.flags[srcAB[k]])
	}
	for k, n := range plan.CopyBA {
		fp.rec[n] = flagstate.Record(b.flags[srcBA[k]])
	}
	firstA, firstB := a.firstIndexes(), b.firstIndexes()
	for _, n := range plan.Kept {
		if t.Marks(n)&(idtable.SideA|idtable.SideB) != idtable.SideA|idtable.SideB {
			continue
		}
		ia, ib := firstA[n]-1, firstB[n]-1
		fa, fb := a.flags[ia]&store.SyncedFlags, b.flags[ib]&store.SyncedFlags
		target := fa | fb // no record: the union
		if r, ok := flagstate.Flags(fp.old[n]); ok {
			target = r ^ ((fa ^ r) | (fb ^ r))
		}
		fp.rec[n] = flagstate.Record(target)
		if target != fa {
			fp.onA = append(fp.onA, flagMove{n: n, at: ia, add: target &^ fa, remove: fa &^ target})
		}
		if target != fb {
			fp.onB = append(fp.onB, flagMove{n: n, at: ib, add: target &^ fb, remove: fb &^ target})
		}
	}
	return fp
}

// firstIndexes returns, by id number, the index + 1 of the side's first
// message with the id (0: none).
func (s *scanned) firstIndexes() []int32 {
	first := make([]int32, s.t.Len())
	for i, n := range s.nums {
		if n != idtable.NoID && first[n] == 0 {
			first[n] = int32(i + 1)
		}
	}
	return first
}

// at returns the indexes of the messages the moves change.
func movesAt(moves []flagMove) []int32 {
	at := make([]int32, len(moves))
	for k, m := range moves {
		at[k] = m.at
	}
	return at
}

// keptFlags returns the records of the ids ns (plan.Kept) that are kept
// (not dropped), in the order of t.State(ns).
func (fp *flagPlan) keptFlags(t *idtable.Table, ns []int32) []byte {
	if fp == nil || len(ns) == 0 {
		return nil
	}
	out := make([]byte, 0, len(ns))
	for _, n := range ns {
		if !t.Dropped(n) {
			out = append(out, fp.rec[n])
		}
	}
	return out
}

// applyFlags makes the moves on side o (dir is the direction of their
// -m lines, "->" for changes on the second store) in one SetFlags call
// (none under -s) and says so. It returns how many messages it changed
// and whether it could; when it could not, the ids moved keep their old
// records, so the next run makes the same changes again.
func (e *Engine) applyFlags(ctx context.Context, o *openSide, fp *flagPlan, moves []flagMove, dir string) (int, bool) {
	if len(moves) == 0 {
		return 0, true
	}
	err := e.setFlags(ctx, o, moves)
	if err != nil {
		for _, m := range moves {
			fp.rec[m.n] = fp.old[m.n]
		}
		if ctx.Err() == nil && !e.goneIn(err, o.side) {
			e.emit(event.FlagChangeFailed{Full: o.full(), Store: o.side.Name(), Err: err})
		}
		return 0, false
	}
	if e.Opt.Long {
		for _, m := range moves {
			e.emit(event.FlagsChanged{Dir: dir, From: summary(&o.scan.det, m.at), ID: o.scan.t.Str(m.n), Add: m.add, Remove: m.remove})
		}
	}
	return len(moves), true
}

// setFlags makes the moves on side o, unless the run simulates.
func (e *Engine) setFlags(ctx context.Context, o *openSide, moves []flagMove) error {
	fs, ok := o.mb.(store.FlagSetter)
	if !ok {
		return errNoFlagSetter
	}
	if e.Opt.Simulate {
		return nil
	}
	changes := make([]store.FlagChange, len(moves))
	for k, m := range moves {
		changes[k] = store.FlagChange{Key: o.scan.det.Rec(m.at).Key, Add: m.add, Remove: m.remove}
	}
	return fs.SetFlags(ctx, changes)
}
