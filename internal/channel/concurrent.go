package channel

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/mailsync/mailsync/internal/store"
)

// Boxes synchronised at once. When both stores allow it
// (store.ConcurrentBoxes: local files), Engine.Workers boxes are
// synchronised at the same time, each by an engine of its own whose
// output is recorded; the recordings are printed in box order as the
// boxes finish, so the output is the one of a run that takes them one
// after the other. Missing boxes are still created one after the other,
// in box order: creating "dir/sub" makes the directory "dir", which the
// box "dir" (a directory on the other side) must then find, not create
// as a file.

// createTurn lets a box create what it lacks once the box before it has:
// wait is closed when the box may, and it closes done when it has.
type createTurn struct {
	wait <-chan struct{}
	done chan struct{}
}

// concurrent reports whether Sync may synchronise several of n boxes
// at once.
func (e *Engine) concurrent(a, b *Side, n int) bool {
	if e.Workers < 2 || n < 2 || e.Progress != nil {
		return false
	}
	for _, s := range []*Side{a, b} {
		if c, ok := s.Store.(store.ConcurrentBoxes); !ok || !c.ConcurrentBoxes() {
			return false
		}
	}
	return true
}

// boxResult is one box's outcome with what its synchronisation printed.
type boxResult struct {
	outcome boxOutcome
	out     *deferredOut
	failed  bool
	skipped bool // not started: the run was interrupted
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
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(e.Workers, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(names) {
					return
				}
				if ctx.Err() != nil || e.watch.stopped() {
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
				results[i] <- boxResult{outcome: o, out: be.R.rec, failed: be.failed}
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
		if r.skipped {
			e.fail()
			break
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
		r = boxResult{outcome: o, out: be.R.rec, failed: be.failed}
	}
	return r
}

// boxEngine is an engine for one box synchronised beside others: e's
// options and book, a Reporter that records, no progress display.
func (e *Engine) boxEngine() *Engine {
	return &Engine{Opt: e.Opt, R: e.R.recorder(), Book: e.Book, watch: e.watch, shared: true, LastFlags: e.LastFlags}
}
