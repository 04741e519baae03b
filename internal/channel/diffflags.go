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
	n, at         int32 // its id number, its index
	add, remove   store.Flags
	addK, removeK store.Keywords
}

// diffFlags returns the messages of the box scanned into sc (side
// SideA of t, whose last state was last with records lr) whose flags
// changed since the last sync: the first message of each id the last
// state has and that has a record. Its keywords count when the box has
// keyword records and the mailbox keeps keywords (keywords).
func diffFlags(t *idtable.Table, sc *scanned, last []string, lr lastRecords, keywords bool) []flagDiff {
	old, oldK := lr.byID(t, last, keywords && lr.keywords != nil)
	var out []flagDiff
	first := sc.firstIndexes()
	for n, i := range first {
		if i == 0 {
			continue
		}
		r, ok := flagstate.Flags(old[n])
		if !ok {
			continue
		}
		f := sc.flags[i-1] & store.SyncedFlags
		d := flagDiff{n: int32(n), at: i - 1, add: f &^ r, remove: r &^ f}
		if oldK != nil {
			if rk, ok := flagstate.RecordedKeywords(oldK[n]); ok {
				k := sc.keywords[i-1]
				d.addK, d.removeK = k.Minus(rk), rk.Minus(k)
			}
		}
		if d.add|d.remove != 0 || d.addK != "" || d.removeK != "" {
			out = append(out, d)
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
		e.emit(event.FlagsChanged{Dir: "  ", From: summary(&o.scan.det, d.at), ID: o.scan.t.Str(d.n), Add: d.add, Remove: d.remove,
			AddKeywords: d.addK, RemoveKeywords: d.removeK})
	}
	return nil
}
