package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
)

// flagDiff is a message of a box in diff mode whose flags differ from
// its record (flags sync): changed on this side since the last sync.
type flagDiff struct {
	n, at       int32 // its id number, its index
	add, remove store.Flags
}

// diffFlags returns the messages of the box scanned into sc (side
// SideA of t, whose last state was last with records lastRec) whose
// flags changed since the last sync: the first message of each id the
// last state has and that has a record.
func diffFlags(t *idtable.Table, sc *scanned, last []string, lastRec []byte) []flagDiff {
	old := make([]byte, t.Len())
	for k, id := range last {
		if k >= len(lastRec) {
			break
		}
		if n, ok := t.Lookup(id); ok {
			old[n] = lastRec[k]
		}
	}
	var out []flagDiff
	first := sc.firstIndexes()
	for n, i := range first {
		if i == 0 {
			continue
		}
		r, ok := flagstate.Flags(old[n])
		f := sc.flags[i-1] & store.SyncedFlags
		if ok && f != r {
			out = append(out, flagDiff{n: int32(n), at: i - 1, add: f &^ r, remove: r &^ f})
		}
	}
	return out
}

// reportFlagDiffs prints, under -m, the line of each message of diffs,
// from the open box o (its details read again as needed, which may
// fail).
func (e *Engine) reportFlagDiffs(ctx context.Context, o *openSide, diffs []flagDiff) error {
	if !e.Opt.Long || len(diffs) == 0 {
		return nil
	}
	at := make([]int32, len(diffs))
	for k, d := range diffs {
		at[k] = d.at
	}
	if err := e.loadDetails(ctx, o, needed(at, nil, nil)); err != nil {
		return err
	}
	for _, d := range diffs {
		e.emit(event.FlagsChanged{Dir: "  ", From: summary(&o.scan.det, d.at), ID: o.scan.t.Str(d.n), Add: d.add, Remove: d.remove})
	}
	return nil
}
