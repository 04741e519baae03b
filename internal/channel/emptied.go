package channel

import (
	"context"
	"errors"
	"sync"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// The all-empty brake (doc/design/brakes.md, "Every box empty"). A store
// that still lists its boxes but shows every one of them empty (a broken
// server index, a restore gone wrong) looks to the three-way decision like
// a store whose mail was all deleted. The run is refused when every box
// the msinfo remembers messages for is empty or missing on one side while
// a box would have its remembered messages deleted on the other side.
//
// The question is answered lazily: only a box found entirely empty on one
// side while the other side holds messages the msinfo remembers for it
// asks it, and any remembered box found holding messages on that side
// (read, or settled) has already answered it. In the normal run the first
// remembered box answers it for both sides and nothing is read twice.

// emptiness is what a run has learnt, per side (0: the first store, 1:
// the second), about whether the boxes the msinfo remembers messages for
// hold messages. Box engines synchronised at once share it.
type emptiness struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced when something is learnt
	last    msinfo.State
	order   []string // the boxes of the run the msinfo remembers messages for, in box order
	full    [2]bool  // a remembered box holds messages on that side
	known   [2]map[string]bool
	halted  bool // the run was refused: start no more boxes
}

// newEmptiness returns the knowledge of a run over names, or nil when
// --max-delete=100 lifts the brakes.
func (e *Engine) newEmptiness(names []string, last msinfo.State) *emptiness {
	if e.brakesOff() {
		return nil
	}
	w := &emptiness{changed: make(chan struct{}), last: last}
	for _, n := range names {
		if len(last[n]) > 0 {
			w.order = append(w.order, n)
		}
	}
	w.known = [2]map[string]bool{{}, {}}
	return w
}

// note records whether box holds messages on side s.
func (w *emptiness) note(s int, box string, holds bool) {
	if w == nil || len(w.last[box]) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.known[s][box] && (!holds || w.full[s]) {
		return
	}
	w.known[s][box] = true
	w.full[s] = w.full[s] || holds
	close(w.changed)
	w.changed = make(chan struct{})
}

// finish records that box has been handled: a side not noted could not
// show that it holds messages (a box that failed counts as empty).
func (w *emptiness) finish(box string) {
	if w == nil || len(w.last[box]) == 0 {
		return
	}
	for s := range 2 {
		w.mu.Lock()
		k := w.known[s][box]
		w.mu.Unlock()
		if !k {
			w.note(s, box, false)
		}
	}
}

// state reports whether a remembered box holds messages on side s and
// whether every remembered box has been looked at there.
func (w *emptiness) state(s int) (full, all bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.full[s], len(w.known[s]) == len(w.order)
}

// unknown returns the remembered boxes not yet looked at on side s, in
// box order.
func (w *emptiness) unknown(s int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, n := range w.order {
		if !w.known[s][n] {
			out = append(out, n)
		}
	}
	return out
}

// wait blocks until side s is decided: a remembered box holds messages
// there (true) or all have been looked at and none does (false).
func (w *emptiness) wait(ctx context.Context, s int) (bool, error) {
	for {
		w.mu.Lock()
		full, all, ch := w.full[s], len(w.known[s]) == len(w.order), w.changed
		w.mu.Unlock()
		if full || all {
			return full, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// halt records that the run was refused; stopped reports it.
func (w *emptiness) halt() {
	if w != nil {
		w.mu.Lock()
		w.halted = true
		w.mu.Unlock()
	}
}

func (w *emptiness) stopped() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.halted
}

// checkEmptied is called once both sides of a box have been read into
// t (*pa, *pb) and plan made. When one side is empty while the plan
// deletes messages the msinfo remembers on the other, it makes sure that
// side is not empty everywhere before the box goes on: it returns the
// plan to follow (made again when that side was read again) and false
// when the box must stop here (the run refused, the answer left to later
// when boxes are synchronised at once, or a failure). ask is set (side
// index + 1) when the answer is left to later.
func (e *Engine) checkEmptied(ctx context.Context, pa, pb **openSide, t *idtable.Table, plan idtable.Plan) (_ idtable.Plan, ask int, ok bool) {
	w := e.watch
	if w == nil {
		return plan, 0, true
	}
	name := (*pa).name
	w.note(0, name, (*pa).scan.count() > 0)
	w.note(1, name, (*pb).scan.count() > 0)
	x, po, cause, mark := -1, pa, "opening and writing", idtable.SideA
	switch {
	case (*pa).scan.count() == 0 && len(plan.DeleteB) > 0:
		x = 0
	case (*pb).scan.count() == 0 && len(plan.DeleteA) > 0:
		x, po, cause, mark = 1, pb, "fetching of mail ids", idtable.SideB
	}
	if x < 0 {
		return plan, 0, true
	}
	full, all := w.state(x)
	switch {
	case full:
		return plan, 0, true
	case e.shared:
		// Other boxes are being synchronised: the run answers, or
		// refuses, once they have been read (concurrent.go).
		return plan, x + 1, false
	case all:
		e.refuseEmptied((*po).side)
		return plan, 0, false
	}
	// Over IMAP a store has one connection: its box is closed while
	// the other boxes of that side are looked at, then read again.
	o := *po
	*po = nil
	if err := o.mb.Close(); err != nil {
		e.emit(event.CloseFailed{Box: name, Store: o.side.Name(), Err: err})
		return plan, 0, false
	}
	full, err := e.resolve(ctx, x, o.side)
	if err != nil {
		return plan, 0, false
	}
	if !full {
		e.refuseEmptied(o.side)
		return plan, 0, false
	}
	again, err := e.openAndScan(ctx, o.sideBox, cause, nil, t, mark)
	if err != nil {
		return plan, 0, false
	}
	*po = again
	return t.Decide(), 0, true
}

// resolve looks at the remembered boxes of side s (index x) not yet
// looked at, in box order, until one holds messages; no box of that side
// may be open. It reports whether one does.
func (e *Engine) resolve(ctx context.Context, x int, s *Side) (bool, error) {
	for _, box := range e.watch.unknown(x) {
		holds, err := e.holdsMessages(ctx, x, s.box(box))
		if err != nil {
			return false, err
		}
		e.watch.note(x, box, holds)
		if holds {
			return true, nil
		}
	}
	return false, nil
}

// errFound stops a streamed read at the first message.
var errFound = errors.New("found a message")

// holdsMessages reports whether box b of side index x holds a message.
// A box settled since a sync that kept the messages the msinfo remembers
// does, without being opened; a box that is missing or cannot be opened
// counts as empty. Only an interruption is an error.
func (e *Engine) holdsMessages(ctx context.Context, x int, b sideBox) (bool, error) {
	s, box := b.side, b.name
	if l, ok := s.Boxes.Lookup(box); !ok || l.NoSelect {
		return false, nil
	}
	if sig, ok := s.Store.(store.Signer); ok && e.Book != nil {
		if entry, ok := e.Book.Lookup(box); ok && entry.IDs == settled.DigestOf(e.watch.last[box]) {
			mine := entry.A
			if x == 1 {
				mine = entry.B
			}
			if now, ok := sig.Signature(ctx, b.mailbox); ok && string(now) == string(mine) {
				return true, nil
			}
		}
	}
	mb, err := s.Store.Open(ctx, b.mailbox, store.ReadOnly)
	if err != nil {
		return false, ctx.Err()
	}
	defer mb.Close()
	if st, ok := mb.(store.Streamer); ok {
		err := st.EachMessage(ctx, func(store.Message) error { return errFound })
		return errors.Is(err, errFound), ctx.Err()
	}
	msgs, err := mb.Messages(ctx)
	return err == nil && len(msgs) > 0, ctx.Err()
}

// refuseEmptied refuses the run: every remembered box of side s is empty
// or missing. It prints why.
func (e *Engine) refuseEmptied(s *Side) {
	msgs := 0
	for _, n := range e.watch.order {
		msgs += len(e.watch.last[n])
	}
	boxes := len(e.watch.order)
	e.emit(event.AllEmpty{Store: s.Name(), Msgs: msgs, Boxes: boxes})
	e.refused = true
	e.fail()
	e.watch.halt()
}
