package channel

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/mailsync/mailsync/internal/store"
)

// Boxes synchronised at once. When both stores allow it
// (store.ConcurrentBoxes: local files, an IMAP store with a pool of
// connections), Engine.Workers boxes (more with a pool: workers) are
// synchronised at the same time, each by an engine of its own whose
// output is recorded; the recordings are printed in box order as the
// boxes finish, so the output is the one of a run that takes them one
// after the other. Missing boxes are still created one after the other,
// in box order: creating "dir/sub" makes the directory "dir", which the
// box "dir" (a directory on the other side) must then find, not create
// as a file. A store given up (unreachable.go) stops the start of
// further boxes; the boxes after the first that found it gone are
// skipped in the output and keep their last state, as when they are
// taken one after the other.

// createTurn lets a box create what it lacks once the box before it has:
// wait is closed when the box may, and it closes done when it has.
type createTurn struct {
	wait <-chan struct{}
	done chan struct{}
}

// connectionPool is a store that works on its boxes over a pool of
// connections to a server (IMAP): Connections is how many it may have
// open at once. Boxes there wait on the link, not on a CPU.
type connectionPool interface {
	Connections() int
}

// nearPool is a connectionPool that can tell its server answers at once
// (the same host, the same LAN): Near. Its boxes wait on a CPU, not on
// the link, so its connections do not raise the number of boxes worked
// on at once (doc/design/wan.md, "Near servers").
type nearPool interface {
	Near() bool
}

// boxesAtOnce is a store over a pool of connections that works on more
// boxes at once than it has connections when they are copied whole
// (IMAP: folders read in flight, several on one connection).
type boxesAtOnce interface {
	BoxesAtOnce() int
}

// workers is how many boxes Sync works on at once: e.Workers, or, when
// a store works over a pool of connections, as many as the smaller
// pool holds if that is more. With e.Workers 0 (a terminal) it stays 0.
// whole is how many boxes the run copies whole (wholeBoxes): a pool that
// works on more boxes at once for those gets up to that many more. A
// pool whose server is near (nearPool) raises nothing.
func (e *Engine) workers(a, b *Side, whole int) int {
	n := e.Workers
	if n < 1 {
		return n
	}
	pool := 0
	for _, s := range []*Side{a, b} {
		if np, ok := s.Store.(nearPool); ok && np.Near() {
			continue
		}
		if p, ok := s.Store.(connectionPool); ok {
			c := p.Connections()
			if ba, ok := s.Store.(boxesAtOnce); ok && whole > 0 {
				c += min(whole, max(0, ba.BoxesAtOnce()-c))
			}
			if pool == 0 || c < pool {
				pool = c
			}
		}
	}
	return max(n, pool)
}

// wholeBoxes counts the boxes of names that the run copies whole: no
// last state, and missing on one side (handleBox).
func (e *Engine) wholeBoxes(a, b *Side, last map[string][]string, names []string) int {
	if e.Opt.Simulate {
		return 0
	}
	n := 0
	for _, name := range names {
		_, hadA := a.Boxes.Lookup(name)
		_, hadB := b.Boxes.Lookup(name)
		if len(last[name]) == 0 && hadA != hadB {
			n++
		}
	}
	return n
}

// concurrent reports whether Sync may synchronise several of n boxes
// at once.
func (e *Engine) concurrent(a, b *Side, n int) bool {
	if e.workers(a, b, 0) < 2 || n < 2 || e.Progress != nil {
		return false
	}
	pools := 0
	for _, s := range []*Side{a, b} {
		if c, ok := s.Store.(store.ConcurrentBoxes); !ok || !c.ConcurrentBoxes() {
			return false
		}
		if _, ok := s.Store.(connectionPool); ok {
			pools++
		}
	}
	// A box holds a connection of each side while it is synchronised:
	// with two pools (a channel between two servers), boxes at once
	// could each hold one pool's last connection while waiting for the
	// other's. They are taken one after the other there.
	return pools < 2
}

// boxResult is one box's outcome with what its synchronisation printed.
type boxResult struct {
	outcome boxOutcome
	out     *deferredOut
	failed  bool
	skipped bool // not started: the run was interrupted, or a store given up
	// gone is the side whose store the box found given up
	// (unreachable.go), nil when it did not.
	gone *Side
}

// syncConcurrently synchronises the boxes names with e.Workers workers
// and hands each outcome to record, in the order of names, after
// printing what its synchronisation printed. When ctx is cancelled the
// boxes not yet started are not started, and the run fails.
func (e *Engine) syncConcurrently(ctx context.Context, a, b *Side, last map[string][]string, names []string, record func(string, boxOutcome)) {
	results := make([]chan boxResult, len(names))
	for i := range results {
		results[i] = make(chan boxResult, 1)
	}
	turns := make([]*createTurn, len(names))
	prev := make(chan struct{})
	close(prev)
	for i := range turns {
		turns[i] = &createTurn{wait: prev, done: make(chan struct{})}
		prev = turns[i].done
	}
	if e.goneAny == nil {
		e.goneAny = new(atomic.Bool)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(e.workers(a, b, e.wholeBoxes(a, b, last, names)), len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(names) {
					return
				}
				if ctx.Err() != nil || e.watch.stopped() || e.goneAny.Load() {
					<-turns[i].wait
					close(turns[i].done)
					e.watch.finish(names[i])
					results[i] <- boxResult{skipped: true}
					continue
				}
				be := e.boxEngine()
				be.turn = turns[i]
				ids, had := last[names[i]]
				o := be.handleBox(ctx, a, b, names[i], ids, had)
				results[i] <- boxResult{outcome: o, out: be.R.rec, failed: be.failed, gone: be.gone}
			}
		}()
	}
	defer wg.Wait()
	for i, name := range names {
		r := <-results[i]
		if e.refused {
			// Boxes synchronised while the run was being refused: they
			// deleted no remembered message (doc/design/brakes.md).
			// Those that stopped for the question did nothing.
			if !r.skipped && r.outcome.ask == 0 {
				r.out.replay(e.R)
			}
			continue
		}
		if e.gone != nil && (r.skipped || r.gone != nil) {
			// A store was given up in an earlier box: this one is
			// skipped, as one after the other would have, and keeps
			// its last state; what it printed before it found the
			// store gone is dropped with it. A box that finished
			// before is reported as usual.
			if ids, had := last[name]; had {
				record(name, boxOutcome{ids: ids, keep: true})
			}
			continue
		}
		if r.skipped {
			e.fail()
			break
		}
		if r.gone != nil {
			e.gone = r.gone // its output says so, once (unreachable.go)
			e.fail()
		}
		r = e.answer(ctx, a, b, name, last, r)
		r.out.replay(e.R)
		if r.failed {
			e.fail()
		}
		if e.refused {
			e.refuseEmptied([]*Side{a, b}[r.outcome.ask-1])
			continue
		}
		record(name, r.outcome)
	}
}

// answer completes a box that stopped for the all-empty question
// (outcome.ask): once the other boxes have answered it, the box is
// synchronised again, or the run is refused (e.refused, r then holds
// what the box printed before it stopped).
func (e *Engine) answer(ctx context.Context, a, b *Side, name string, last map[string][]string, r boxResult) boxResult {
	for r.outcome.ask != 0 {
		full, err := e.watch.wait(ctx, r.outcome.ask-1)
		if err != nil { // interrupted: the box keeps its last state
			r.outcome.ask, r.failed = 0, true
			return r
		}
		if !full {
			e.refused = true
			return r
		}
		be := e.boxEngine()
		ids, had := last[name]
		o := be.handleBox(ctx, a, b, name, ids, had)
		r = boxResult{outcome: o, out: be.R.rec, failed: be.failed, gone: be.gone}
	}
	return r
}

// boxEngine is an engine for one box synchronised beside others: e's
// options and book, a Reporter that records, no progress display.
func (e *Engine) boxEngine() *Engine {
	return &Engine{Opt: e.Opt, R: e.R.recorder(), Book: e.Book, watch: e.watch, shared: true, LastFlags: e.LastFlags, LastKeywords: e.LastKeywords, goneAny: e.goneAny, early: e.early}
}
