package channel

import (
	"context"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"

	"github.com/mailsync/mailsync/internal/store"
)

// List prints the boxes of a store (doc/design/behaviour.md#list-output); with -m/-M every message of
// every box. Boxes are opened read-only (doc/design/decisions.md#d4-dry-runs).
func (e *Engine) List(ctx context.Context, s *Side) Result {
	e.list(ctx, s)
	return e.result()
}

// list is List; its result is left in e.failed.
func (e *Engine) list(ctx context.Context, s *Side) {
	for _, name := range s.Boxes.Names() {
		b, _ := s.Boxes.Lookup(name)
		e.emit(event.ListBox{Box: name, NoSelect: b.NoSelect})
		if !e.Opt.Long || b.NoSelect {
			continue
		}
		x := s.box(name)
		full := x.full()
		// 5.2.7 opens read-write here (doc/design/decisions.md#d4-dry-runs: the clone reads only).
		e.emit(event.Opening{Full: full})
		mb, err := s.Store.Open(ctx, x.mailbox, store.ReadOnly)
		if err == nil {
			var out *scanOut
			var sc *scanned
			sc, out, err = e.scanBox(ctx, mb, styleList, idtable.New(nil), idtable.SideA, false)
			mb.Close()
			if err == nil {
				e.replayScan(out)
				if sc.incomplete {
					e.fail()
				}
			}
		}
		if err != nil {
			e.emit(event.OpenFailed{Box: name, Store: s.Name(), Full: full, Err: err})
			e.fail()
			return
		}
	}
}
