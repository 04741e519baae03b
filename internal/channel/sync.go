package channel

import (
	"context"
	"errors"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// Sync synchronises every box of the two sides (doc/design/behaviour.md#order-of-work, steps 4 to 6) and
// returns the new msinfo state. last is the state after the previous sync.
// Boxes whose sync failed keep their last state, so nothing is resurrected
// or lost because of a transient fault. When the mass-deletion brake
// refuses the run (Refused), nothing is done and last is returned.
func (e *Engine) Sync(ctx context.Context, a, b *Side, last msinfo.State) (msinfo.State, Result) {
	defer e.DropEarly()
	next, recs := e.sync(ctx, a, b, last)
	res := e.result()
	res.Flags, res.Keywords = recs.flags, recs.keywords
	return next, res
}

// runRecords are the records of flags sync a run leaves, by box: flags,
// and keywords for the boxes whose keywords were synchronised. The zero
// value (without flags sync) holds none and takes none.
type runRecords struct {
	flags    flagstate.Records
	keywords flagstate.KeywordRecords
}

// put records box name's records lr.
func (r runRecords) put(name string, lr lastRecords) {
	if r.flags == nil || lr.flags == nil {
		return
	}
	r.flags[name] = lr.flags
	if lr.keywords != nil {
		r.keywords[name] = lr.keywords
	}
}

// drop forgets the records of the boxes next lacks.
func (r runRecords) drop(next msinfo.State) {
	for name := range r.flags {
		if _, ok := next[name]; !ok {
			delete(r.flags, name)
			delete(r.keywords, name)
		}
	}
}

// sync is Sync; the run's result is left in e.failed and e.refused. With
// flags sync it also returns the records of the new state.
func (e *Engine) sync(ctx context.Context, a, b *Side, last msinfo.State) (msinfo.State, runRecords) {
	next := msinfo.State{}
	var recs runRecords
	if e.Opt.FlagSync {
		recs = runRecords{flags: flagstate.Records{}, keywords: flagstate.KeywordRecords{}}
	}
	pairWithServer(e.R, a, b.Cfg)
	pairWithServer(e.R, b, a.Cfg)
	if e.refuseEscapes(a, b, last, next) {
		e.fail()
	}
	if e.storeBrake(a, b, last) {
		e.fail()
		e.refused = true
		return last, e.lastFlags()
	}
	names := pairOrder(a.Boxes, b.Boxes)
	e.watch = e.newEmptiness(names, last)
	var empty []string
	record := func(name string, o boxOutcome) {
		if o.keep {
			next[name] = o.ids
			recs.put(name, o.records)
		}
		if o.empty {
			empty = append(empty, name)
		}
	}
	if e.concurrent(a, b, len(names)) {
		e.syncConcurrently(ctx, a, b, last, names, record)
	} else {
		for i, name := range names {
			if ctx.Err() != nil {
				e.fail()
				break
			}
			if e.gone != nil {
				keepStates(next, last, names[i:])
				e.keepFlags(recs, names[i:])
				break
			}
			ids, had := last[name]
			record(name, e.handleBox(ctx, a, b, name, ids, had))
			if e.refused {
				break
			}
		}
	}
	if e.refused {
		return last, e.lastFlags() // the all-empty brake (emptied.go)
	}
	if e.Opt.DeleteEmpty && e.gone == nil {
		e.deleteEmpty(ctx, a, b, empty, next)
	}
	e.dropUnrecordable(next)
	recs.drop(next)
	return next, recs
}

// lastFlags returns the records of the last state, with flags sync (a
// run that changes nothing).
func (e *Engine) lastFlags() runRecords {
	if !e.Opt.FlagSync {
		return runRecords{}
	}
	return runRecords{flags: e.LastFlags, keywords: e.LastKeywords}
}

// keepFlags gives the boxes names their last records in recs.
func (e *Engine) keepFlags(recs runRecords, names []string) {
	for _, name := range names {
		recs.put(name, e.lastRecordsOf(name))
	}
}

// boxOutcome is what the synchronisation of one box leaves for the next
// state: its ids (when keep) and whether -D may delete it (empty).
type boxOutcome struct {
	ids  []string
	keep bool
	// records are the records of ids (flags sync only).
	records lastRecords
	empty   bool
	// ask: the box stopped before changing anything until the run knows
	// whether side ask-1 is empty everywhere (emptied.go, concurrent.go).
	ask int
}

// handleBox synchronises box name (creating it where it is missing).
// last are the ids the last state recorded for it (had: it has an
// entry). A box that fails keeps its last state. It is where a box's
// names are found, once for the run (sideBox).
func (e *Engine) handleBox(ctx context.Context, a, b *Side, name string, last []string, had bool) boxOutcome {
	lastFlags := e.lastRecordsOf(name)
	keepLast := boxOutcome{ids: last, keep: had, records: lastFlags}
	defer e.watch.finish(name)
	xa, xb := a.box(name), b.box(name)
	vanished := e.vanishedBrake(ctx, xa, xb, last)
	if e.turn != nil {
		<-e.turn.wait // boxes are created in box order (concurrent.go)
	}
	_, hadA := a.Boxes.Lookup(name)
	_, hadB := b.Boxes.Lookup(name)
	exists := !vanished && e.ensureBox(ctx, xa, xb) && e.ensureBox(ctx, xb, xa)
	if e.turn != nil {
		close(e.turn.done)
	}
	if vanished {
		e.fail()
		return keepLast
	}
	if !exists {
		// A box that could not be created keeps its last state:
		// without it the next run would copy back what the other
		// side deleted (found by TestInterruptEveryStep).
		return keepLast
	}
	xa, xb = e.standIn(xa), e.standIn(xb)
	simulated := xa.side != a || xb.side != b // -s: a box it would create
	if !e.Opt.Simulate && len(last) == 0 {
		// Created empty just now: the other side is copied whole.
		xa.whole, xb.whole = !hadB, !hadA
	}
	ba, _ := xa.side.Boxes.Lookup(name)
	bb, _ := xb.side.Boxes.Lookup(name)
	if ba.NoSelect || bb.NoSelect {
		if !simulated { // 5.2.7's -s says no more than "Creating" for it
			e.emit(event.NotSelectable{Box: name})
		}
		return boxOutcome{}
	}
	sigs := e.signatures(ctx, xa, xb)
	er := e.takeEarly(xb, last)
	if er != nil && sigs != nil {
		sigs.b = er.sig // taken before the early read (early.go)
	} else if er != nil {
		er.close()
		er = nil
	}
	isSettled, pre, er := e.settledBox(ctx, xa, xb, sigs, last, er)
	if isSettled || pre != nil {
		er.close() // not needed, or another side was read with a table of its own
	} else if er != nil {
		pre = er.preread()
	}
	if isSettled {
		e.watch.note(0, name, true)
		e.watch.note(1, name, true)
		return boxOutcome{ids: last, keep: true, records: lastFlags, empty: e.Opt.DeleteEmpty && len(last) == 0}
	}
	res := e.syncBox(ctx, xa, xb, last, pre)
	if res.ask != 0 {
		return boxOutcome{ids: last, keep: had, records: lastFlags, ask: res.ask}
	}
	if res.failed {
		e.fail()
	}
	if res.keepLast {
		return keepLast
	}
	e.recordSettled(name, sigs, res)
	// A box whose only messages have no id (doc/design/decisions.md#d1-id-less-messages leaves them alone)
	// is not empty: -D must not delete it with them.
	return boxOutcome{ids: res.kept, keep: true, records: res.keptFlags,
		empty: e.Opt.DeleteEmpty && !res.failed && res.remain == 0 && res.idless == 0}
}

// pairOrder is the order boxes are handled in (doc/design/behaviour.md#box-pairing): the first store's
// boxes in box order, then the second store's boxes it lacks.
func pairOrder(a, b *Boxes) []string {
	names := a.Names()
	for _, n := range b.Names() {
		if _, ok := a.Lookup(n); !ok {
			names = append(names, n)
		}
	}
	return names
}

// ensureBox creates box at in its side when it is missing there
// (doc/design/behaviour.md#box-pairing,
// doc/design/decisions.md#d3-missing-boxes); from is the box on the other
// side. It reports whether the box may be synchronised. The box is created
// under at.mailbox and recorded without a name of its own, so its
// mailbox name stays the one at holds (sideBox).
func (e *Engine) ensureBox(ctx context.Context, at, from sideBox) bool {
	dst, src, name := at.side, from.side, at.name
	if _, ok := dst.Boxes.Lookup(name); ok {
		return true
	}
	if e.Opt.Simulate {
		// The box is then synchronised against an empty stand-in
		// (standIn), as the real run would after creating it.
		e.emit(event.Creating{Box: name, Store: dst.Name()})
		return true
	}
	mailbox := at.mailbox
	err := dst.Store.Create(ctx, mailbox)
	if errors.Is(err, store.ErrExists) && e.selectable(ctx, dst, mailbox) {
		// Made earlier in this run as the parent of another box (an MH
		// folder holds both): synchronise it now (doc/design/decisions.md#d3-missing-boxes).
		dst.Boxes.Add(name, false)
		return true
	}
	if err != nil && e.storeGone(dst, err) {
		return false
	}
	if err != nil {
		e.emit(event.BoxCreated{Box: name, Store: dst.Name(), Failed: true})
		if sb, ok := src.Boxes.Lookup(name); ok && !sb.NoSelect &&
			(!errors.Is(err, store.ErrExists) || e.mayHoldMessages(ctx, from)) {
			// A selectable box that cannot be mirrored is a failure (doc/design/decisions.md#d8-exit-status,
			// doc/design/decisions.md#d21-boxes-that-cannot-be-created), also when its name is taken by a directory there (a
			// folder left by hand or by a killed program); an empty
			// parent folder whose name is a directory there is not.
			e.emit(event.CreateFailed{Full: at.full(), Store: dst.Name(), Err: err})
			e.fail()
		}
		return false
	}
	e.emit(event.BoxCreated{Box: name, Store: dst.Name()})
	dst.Boxes.Add(name, false)
	return true
}

// deleteEmpty removes the boxes left empty (-D, 5.7) and drops them from
// the next state. Under -s nothing is deleted (doc/design/decisions.md#d4-dry-runs).
func (e *Engine) deleteEmpty(ctx context.Context, a, b *Side, boxes []string, next msinfo.State) {
	SortBoxNames(boxes)
	for _, name := range boxes {
		if e.Opt.Simulate {
			e.emit(event.WouldDelete{Box: name, Store: a.Name()})
			e.emit(event.WouldDelete{Box: name, Store: b.Name()})
			continue
		}
		e.emit(event.DeletingBox{Box: name})
		for _, x := range []sideBox{a.box(name), b.box(name)} {
			err := x.side.Store.Delete(ctx, x.mailbox)
			if err != nil {
				e.fail()
			}
			e.emit(event.BoxDeleted{Full: x.full(), Failed: err != nil})
		}
		delete(next, name)
	}
}

// mayHoldMessages reports whether box x holds a message (or cannot be
// read: then it may).
func (e *Engine) mayHoldMessages(ctx context.Context, x sideBox) bool {
	mb, err := x.side.Store.Open(ctx, x.mailbox, store.ReadOnly)
	if err != nil {
		return !errors.Is(err, store.ErrNoMailbox)
	}
	defer mb.Close()
	if st, ok := mb.(store.Streamer); ok {
		return st.EachMessage(ctx, func(store.Message) error { return errFound }) != nil
	}
	msgs, err := mb.Messages(ctx)
	return err != nil || len(msgs) > 0
}

// selectable reports whether mailbox of side s can be opened as a
// mailbox (not a mere directory).
func (e *Engine) selectable(ctx context.Context, s *Side, mailbox string) bool {
	mb, err := s.Store.Open(ctx, mailbox, store.ReadOnly)
	if err != nil {
		return false
	}
	mb.Close()
	return true
}
