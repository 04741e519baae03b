package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// Diff compares every box of one store with the channel's last state
// (doc/design/behaviour.md#diff-output) and prints what is new, deleted and duplicated; other is the
// channel's other store, which decides the names boxes pair under
// (pairWithServer). It changes nothing (doc/design/decisions.md#d4-dry-runs).
func (e *Engine) Diff(ctx context.Context, s *Side, other *config.Store, last msinfo.State) Result {
	e.diff(ctx, s, other, last)
	return e.result()
}

// diff is Diff; its result is left in e.failed.
func (e *Engine) diff(ctx context.Context, s *Side, other *config.Store, last msinfo.State) {
	pairWithServer(e.R, s, other)
	for _, name := range s.Boxes.Names() {
		if ctx.Err() != nil {
			e.fail()
			return
		}
		if b, _ := s.Boxes.Lookup(name); b.NoSelect {
			e.emit(event.NotSelectable{Box: name})
			continue
		}
		e.diffBox(ctx, s.box(name), last[name])
	}
}

// diffBox prints the comparison for box x with the ids recorded for it
// after the last sync.
func (e *Engine) diffBox(ctx context.Context, x sideBox, last []string) {
	s, name := x.side, x.name
	e.emit(event.BoxStart{Box: name})
	e.emit(event.Opening{Full: x.full(), Options: opReadOnly})
	mb, err := s.Store.Open(ctx, x.mailbox, store.ReadOnly)
	var sc *scanned
	var diffs []flagDiff
	t := idtable.New(last)
	if err == nil {
		e.fetchingIDs(x)
		var out *scanOut
		// Flags sync with -m names each message whose flags changed:
		// their details are needed.
		keep := e.Opt.FlagSync && e.Opt.Long
		sc, out, err = e.scanBox(ctx, mb, e.style(), t, idtable.SideA, keep)
		if err == nil && e.Opt.FlagSync {
			diffs = diffFlags(t, sc, last, e.lastRecordsOf(name), store.KeepsKeywords(mb))
		}
		if err == nil {
			e.replayScan(out)
			if sc.incomplete {
				e.fail()
			}
			err = e.reportFlagDiffs(ctx, &openSide{sideBox: x, mb: mb, scan: sc}, diffs)
		}
		mb.Close()
	}
	if err != nil {
		e.emit(event.OpenFailed{Box: name, Store: s.Name(), Full: x.full(), Cause: "opening and writing", Err: err})
		e.fail()
		return
	}
	if n := len(sc.dups); n > 0 && e.Opt.Long {
		e.emit(event.Duplicates{Store: s.Name(), N: n})
	}
	e.emit(event.DiffCounts{Store: s.Name(), Dups: len(sc.dups),
		New: t.Count(idtable.SideA, idtable.Last), Deleted: t.Count(idtable.Last, idtable.SideA), Now: t.Count(idtable.SideA, 0),
		Flags: len(diffs)})
}
