package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// scenario is the state of a channel before a sync: both stores and the
// msinfo entry, and the options of the run.
type scenario struct {
	name string
	a, b []seed
	last msinfo.State
	opt  Options
}

var interruptScenarios = []scenario{
	{name: "first sync both ways",
		a: []seed{{"inbox", "<1@x>", "one", 0}, {"inbox", "<2@x>", "two", store.Seen | store.Flagged}, {"work", "<3@x>", "three", 0}},
		b: []seed{{"inbox", "<4@x>", "four", store.Answered}, {"other", "<5@x>", "five", 0}},
	},
	{name: "deletions both ways",
		a: []seed{{"inbox", "<2@x>", "two", 0}, {"inbox", "<3@x>", "three", 0}, {"inbox", "<4@x>", "four", 0}, {"gone", "<5@x>", "five", 0}, {"gone", "<6@x>", "six", 0}},
		// gone was emptied in b, not removed: a box no longer listed
		// is braked (doc/design/brakes.md).
		b:    []seed{{"inbox", "<1@x>", "one", 0}, {"inbox", "<2@x>", "two", 0}, {"inbox", "<3@x>", "three", 0}, {"inbox", "<7@x>", "seven", 0}, {"gone", "", "", 0}},
		last: msinfo.State{"inbox": {"<1@x>", "<2@x>", "<3@x>", "<4@x>"}, "gone": {"<5@x>", "<6@x>"}},
	},
	{name: "duplicates",
		a: []seed{{"inbox", "<d@x>", "d-first", 0}, {"inbox", "<d@x>", "d-second", 0}, {"inbox", "<e@x>", "e", 0}, {"inbox", "<d@x>", "d-third", 0}},
		b: []seed{{"inbox", "<f@x>", "f-first", 0}, {"inbox", "<e@x>", "e", 0}, {"inbox", "<f@x>", "f-second", 0}},
	},
	{name: "new boxes to create",
		a: []seed{{"dir/sub", "<1@x>", "one", 0}, {"onlya", "<2@x>", "two", 0}, {"emptya", "", "", 0}},
		b: []seed{{"onlyb", "<3@x>", "three", 0}, {"onlyb", "<4@x>", "four", 0}},
	},
	{name: "-D empty box deletion",
		a:    []seed{{"inbox", "<1@x>", "one", 0}, {"empty", "", "", 0}, {"emptied", "<2@x>", "two", 0}},
		b:    []seed{{"inbox", "<1@x>", "one", 0}, {"empty", "", "", 0}, {"emptied", "", "", 0}},
		last: msinfo.State{"inbox": {"<1@x>"}, "emptied": {"<2@x>"}},
		opt:  Options{DeleteEmpty: true},
	},
	{name: "mixed",
		a: []seed{{"inbox", "<1@x>", "one", 0}, {"inbox", "<3@x>", "three", store.Seen}, {"inbox", "<dup@x>", "dup-a", 0},
			{"inbox", "<dup@x>", "dup-b", 0}, {"inbox", "<del@x>", "flagged-deleted", store.Deleted}, {"inbox", "", "no-id", 0},
			{"lists", "<l1@x>", "l1", 0}, {"lists", "<l2@x>", "l2", 0}},
		b: []seed{{"inbox", "<2@x>", "two", 0}, {"inbox", "<3@x>", "three", store.Seen}, {"inbox", "<4@x>", "four", store.Flagged},
			{"lists", "<l2@x>", "l2", 0}, {"lists", "<l3@x>", "l3", 0}, {"newb", "<n@x>", "n", 0}},
		last: msinfo.State{"inbox": {"<2@x>", "<3@x>", "<9@x>"}, "lists": {"<l1@x>", "<l2@x>"}, "vanished": {"<v@x>"}},
	},
}

// iworld is one scenario set up in one backend, with fault injection.
type iworld struct {
	be     backend
	a, b   *Side
	faults *faults
	last   msinfo.State
	opt    Options
}

func newIWorld(t *testing.T, be backend, sc scenario) *iworld {
	t.Helper()
	a, b, ca, cb := be.new(t)
	put(t, a, ca, sc.a)
	put(t, b, cb, sc.b)
	f := &faults{}
	last := msinfo.State{}
	maps.Copy(last, sc.last)
	return &iworld{be: be, faults: f, last: last, opt: sc.opt,
		a: &Side{Cfg: ca, Store: &faultyStore{Store: a, f: f}},
		b: &Side{Cfg: cb, Store: &faultyStore{Store: b, f: f}}}
}

// saveMode is what happens to the msinfo after a run.
type saveMode int

const (
	saved       saveMode = iota // the engine's new state is written
	writeFailed                 // the msinfo write fails: the old state stays
	interrupted                 // the run is cancelled (a signal): nothing is written
)

func (m saveMode) String() string { return [...]string{"saved", "write-failed", "interrupted"}[m] }

// sync runs the engine once like the CLI does and applies mode to the
// msinfo. The state goes through the msinfo text format.
func (w *iworld) sync(t *testing.T, ctx context.Context, mode saveMode) (failed bool, out string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	r := NewReporter(&stdout, &stderr)
	for _, s := range []*Side{w.a, w.b} {
		boxes, err := ListBoxes(ctx, s.Store, s.Cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		s.Boxes = boxes
	}
	e := &Engine{Opt: w.opt, R: r}
	next, res := e.Sync(ctx, w.a, w.b, w.last)
	r.Flush()
	if mode == saved && ctx.Err() == nil {
		w.last = msinfo.Parse(msinfo.Body(next, false), false, nil)
	}
	return res.Failed, stdout.String() + stderr.String()
}

func (w *iworld) look(t *testing.T) view {
	t.Helper()
	return look(t, w.be, w.a, w.b)
}

// TestInterruptEveryStep stops every scenario after each of its mutating
// operations (the next one fails; with the msinfo then written, not
// written, or the run cancelled), and after a failed msinfo write at the
// end, then runs it again without faults. The second run must reach the
// state of an uninterrupted run; the stopped run must not have lost any
// message that the uninterrupted run keeps, nor duplicated one.
func TestInterruptEveryStep(t *testing.T) {
	for _, be := range backends {
		for _, sc := range interruptScenarios {
			t.Run(be.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				ref := newIWorld(t, be, sc)
				before := ref.look(t)
				if failed, out := ref.sync(t, context.Background(), saved); failed {
					t.Fatalf("uninterrupted run failed:\n%s", out)
				}
				n := ref.faults.count()
				if n == 0 {
					t.Fatal("scenario makes no change")
				}
				want, wantLast, runs := converge(t, ref)

				t.Logf("%d changes, %d stopped runs", n, 3*n+1)
				for k := 1; k <= n+1; k++ {
					for _, mode := range []saveMode{saved, writeFailed, interrupted} {
						if k == n+1 && mode != writeFailed {
							continue // no fault left to inject
						}
						what := fmt.Sprintf("stopped at change %d of %d, msinfo %v", k, n, mode)
						w := newIWorld(t, be, sc)
						ctx, cancel := context.WithCancel(context.Background())
						stop := cancel
						if mode != interrupted {
							stop = nil
						}
						w.faults.arm(k, stop)
						failed, out := w.sync(t, ctx, mode)
						cancel()
						if k <= n && !failed {
							t.Errorf("%s: the run did not report a failure:\n%s", what, out)
						}
						checkNothingLost(t, what, before, want, w.look(t))
						w.faults.arm(0, nil)
						for range runs {
							if failed, out := w.sync(t, context.Background(), saved); failed {
								t.Errorf("%s: the rerun failed:\n%s", what, out)
							}
						}
						checkSame(t, what+", then rerun", w.look(t), want, w.last, wantLast)
					}
				}
			})
		}
	}
}

// TestFailAfterPerStoreMemory makes one memory store fail from its k-th
// mutating call on (memory.Store.FailAfter) while the other keeps
// working, then runs again: the engine must finish what it can, and the
// rerun must reach the uninterrupted result.
func TestFailAfterPerStoreMemory(t *testing.T) {
	be := backends[0]
	boom := errors.New("disk full")
	for _, sc := range interruptScenarios {
		t.Run(sc.name, func(t *testing.T) {
			ref := newIWorld(t, be, sc)
			before := ref.look(t)
			mem := func(w *iworld) [2]*memory.Store {
				return [2]*memory.Store{w.a.Store.(*faultyStore).Store.(*memory.Store), w.b.Store.(*faultyStore).Store.(*memory.Store)}
			}
			start := [2]int{mem(ref)[0].Mutations(), mem(ref)[1].Mutations()}
			ref.sync(t, context.Background(), saved)
			counts := [2]int{mem(ref)[0].Mutations() - start[0], mem(ref)[1].Mutations() - start[1]}
			want, wantLast, runs := converge(t, ref)
			for side := range 2 {
				n := counts[side]
				for k := 1; k <= n; k++ {
					what := fmt.Sprintf("store %c fails from its change %d of %d on", 'a'+side, k, n)
					w := newIWorld(t, be, sc)
					mem(w)[side].FailAfter(k, boom)
					if failed, out := w.sync(t, context.Background(), saved); !failed {
						t.Errorf("%s: the run did not report a failure:\n%s", what, out)
					}
					checkNothingLost(t, what, before, want, w.look(t))
					mem(w)[side].FailAfter(0, nil)
					for range runs {
						w.sync(t, context.Background(), saved)
					}
					checkSame(t, what+", then rerun", w.look(t), want, w.last, wantLast)
				}
			}
		})
	}
}

// converge takes a world after its first uninterrupted run and runs it
// again until nothing changes. It returns the final stores and msinfo and
// how many runs reach them: 1, or 2 where a box exists on both sides only
// after the first run (an MH parent folder made by creating a sub-folder
// is synchronised from the second run on).
func converge(t *testing.T, w *iworld) (view, msinfo.State, int) {
	t.Helper()
	v, last := w.look(t), w.last
	for runs := 1; runs <= 2; runs++ {
		if failed, out := w.sync(t, context.Background(), saved); failed {
			t.Fatalf("uninterrupted run %d failed:\n%s", runs+1, out)
		}
		nv, nlast := w.look(t), w.last
		if reflect.DeepEqual(nv, v) && reflect.DeepEqual(sortedState(nlast), sortedState(last)) {
			return v, last, runs
		}
		v, last = nv, nlast
	}
	t.Fatalf("three uninterrupted runs do not converge")
	return nil, nil, 0
}

// checkNothingLost checks a stopped run: every id that existed before and
// survives the uninterrupted run is still on some side, and no box holds
// an id more often than it did before (or once, for a copy).
func checkNothingLost(t *testing.T, what string, before, want, got view) {
	t.Helper()
	keep, have := want.ids(), got.ids()
	for box, ids := range before.ids() {
		for id := range ids {
			if keep[box][id] && !have[box][id] {
				t.Errorf("%s: %s in %s lost from both sides", what, id, box)
			}
		}
	}
	was := before.counts()
	for key, n := range got.counts() {
		if n > max(was[key], 1) {
			t.Errorf("%s: %s occurs %d times (before: %d)", what, key, n, was[key])
		}
	}
}

// checkSame compares stores and msinfo states with the expected ones.
func checkSame(t *testing.T, what string, got, want view, gotLast, wantLast msinfo.State) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		for _, key := range slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
			for k := range got {
				yield(k, true)
			}
			for k := range want {
				yield(k, true)
			}
		}))) {
			if !reflect.DeepEqual(got[key], want[key]) {
				t.Errorf("%s: box %s holds\n  %q\nwant\n  %q", what, key, got[key], want[key])
			}
		}
	}
	if !reflect.DeepEqual(sortedState(gotLast), sortedState(wantLast)) {
		t.Errorf("%s: msinfo\n  %q\nwant\n  %q", what, gotLast, wantLast)
	}
}

func sortedState(s msinfo.State) msinfo.State {
	out := msinfo.State{}
	for box, ids := range s {
		ids = slices.Clone(ids)
		slices.Sort(ids)
		if len(ids) == 0 {
			ids = nil
		}
		out[box] = ids
	}
	return out
}
