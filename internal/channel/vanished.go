package channel

import (
	"context"
	"errors"
	"io"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"

	"github.com/mailsync/mailsync/internal/store"
)

// The vanished-box brake (doc/design/brakes.md, "A box no longer
// listed"). 5.2.7 creates a box missing on one side empty there, and the
// three-way decision then deletes on the other side every message the
// msinfo remembers for it: a renamed or lost folder empties its twin. The
// clone skips such a box with an error, before anything is created, unless
// --max-delete=100 lifts the brakes.

// vanishedBrake reports whether a box (a and b: its two sides) must be
// skipped because it is no longer listed on one side while the other
// side holds messages the msinfo remembers for it (last); it prints why.
// It reads the box on the side that lists it (only when the msinfo
// remembers messages for a box missing on one side), before any box of
// that run is open.
func (e *Engine) vanishedBrake(ctx context.Context, a, b sideBox, last []string) bool {
	if e.watch == nil || len(last) == 0 {
		return false
	}
	name := a.name
	ba, okA := a.side.Boxes.Lookup(name)
	bb, okB := b.side.Boxes.Lookup(name)
	if okA == okB {
		return false
	}
	gone, here, box, x, mark := b, a, ba, 0, idtable.SideA
	if !okA {
		gone, here, box, x, mark = a, b, bb, 1, idtable.SideB
	}
	e.watch.note(1-x, name, false)
	if box.NoSelect {
		return false // a directory holds no messages
	}
	n := len(last) // when the box cannot be read: what the msinfo remembers
	t := idtable.New(last)
	mb, err := here.side.Store.Open(ctx, here.mailbox, store.ReadOnly)
	if err == nil {
		var sc *scanned
		sc, _, err = e.scanBox(ctx, mb, e.style(), t, mark, false)
		mb.Close()
		if err == nil {
			e.watch.note(x, name, sc.count() > 0)
			n = 0
			for _, id := range sc.nums {
				if id != idtable.NoID && t.GoneFrom(id, mark) {
					n++
				}
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return true
		}
		e.emit(event.Failed{Err: err})
	}
	if n == 0 {
		return false
	}
	e.emit(event.Vanished{Box: name, Gone: gone.side.Name(), Here: here.side.Name(), N: n})
	return true
}

// standIn returns box x, or under -s, when x is missing in its side (it
// would be created), the box in a side in which it is an empty box under
// the same names: the dry run then prints what the real run prints for it
// (doc/design/brakes.md, "Dry runs").
func (e *Engine) standIn(x sideBox) sideBox {
	s, name := x.side, x.name
	if _, ok := s.Boxes.Lookup(name); ok || !e.Opt.Simulate {
		return x
	}
	in := emptyStore{Store: s.Store, name: x.mailbox}
	var st store.Store = in
	if d, ok := s.Store.(store.Describer); ok {
		st = describedEmpty{in, d}
	}
	x.side = &Side{Cfg: s.Cfg, Store: st, Boxes: &Boxes{Delim: s.Boxes.Delim, byName: map[string]*Box{name: {Name: name}}}}
	return x
}

// emptyStore is a store in which mailbox name is empty and read-only.
type emptyStore struct {
	store.Store
	name string
}

func (s emptyStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	if name == s.name {
		return emptyBox{}, nil
	}
	return s.Store.Open(ctx, name, mode)
}

// describedEmpty is an emptyStore of a store.Describer (-d names).
type describedEmpty struct {
	emptyStore
	d store.Describer
}

func (s describedEmpty) Describe(name string) string { return s.d.Describe(name) }

// emptyBox is a mailbox without messages that cannot change.
type emptyBox struct{}

func (emptyBox) Messages(context.Context) ([]store.Message, error) { return nil, nil }
func (emptyBox) Fetch(context.Context, uint64) (io.ReadCloser, error) {
	return nil, errors.New("the mailbox does not exist yet")
}
func (emptyBox) Append(context.Context, store.NewMessage) error { return store.ErrReadOnly }
func (emptyBox) MarkDeleted(context.Context, []uint64) error    { return store.ErrReadOnly }
func (emptyBox) Expunge(context.Context) (int, error)           { return 0, store.ErrReadOnly }
func (emptyBox) Close() error                                   { return nil }
