package channel

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// busyWorld has many boxes with every kind of work: copies both ways,
// deletions, duplicates, messages without id or flagged deleted, boxes
// missing on one side, empty boxes and a folder.
func busyWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld()
	w.last = msinfo.State{}
	for i := range 9 {
		box := fmt.Sprintf("box%d", i)
		if i%3 == 0 {
			box = fmt.Sprintf("dir/sub%d", i) // names of another length: another place in box order
		}
		var last []string
		for j := range 6 + i {
			id := fmt.Sprintf("<%d.%d@x>", i, j)
			switch j % 6 {
			case 0: // on both sides, known
				w.put(t, w.a, box, id, "both "+id, 0)
				w.put(t, w.b, box, id, "both "+id, store.Seen)
				last = append(last, id)
			case 1: // new in a
				w.put(t, w.a, box, id, "new a "+id, store.Flagged)
			case 2: // new in b
				w.put(t, w.b, box, id, "new b "+id, 0)
			case 3: // deleted from b: delete in a
				w.put(t, w.a, box, id, "gone b "+id, 0)
				last = append(last, id)
			case 4: // duplicate in a, or flagged deleted
				w.put(t, w.a, box, id, "dup "+id, 0)
				w.put(t, w.a, box, id, "dup again "+id, store.Deleted*store.Flags(i%2))
			case 5: // no id
				if i%2 == 0 {
					w.put(t, w.b, box, "", fmt.Sprintf("no id %d", i), 0)
				}
			}
		}
		if i != 4 {
			w.last[box] = last
		}
	}
	w.put(t, w.a, "only a", "<oa@x>", "only in a", 0)
	w.put(t, w.b, "only/b", "<ob@x>", "only in b", 0)
	for _, st := range []*memory.Store{w.a, w.b} {
		if err := st.Create(context.Background(), "empty"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.b.Folder("folder"); err != nil {
		t.Fatal(err)
	}
	w.last["empty"] = nil
	return w
}

// runWorkers syncs w with the given number of workers, debug lines on
// when debug, and returns stdout, stderr and failure.
func (w *world) runWorkers(t *testing.T, opt Options, workers int, debug bool) (string, string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	r.Verbose, r.Debug, r.Vb = true, debug, true
	e := &Engine{Opt: opt, R: r, Workers: workers}
	ctx := context.Background()
	sa, sb := sidesOf(t, r, w.a, w.b)
	if workers > 1 && !e.concurrent(sa, sb, 2) {
		t.Fatal("memory stores are not synchronised concurrently")
	}
	next, res := e.Sync(ctx, sa, sb, w.last)
	r.Flush()
	if !opt.Simulate {
		w.last = next
	}
	return out.String(), errb.String(), res.Failed
}

// contents is every box of a store with its messages' raw bytes and
// flags.
func contents(st *memory.Store) map[string][]string {
	m := map[string][]string{}
	for _, box := range st.Boxes() {
		msgs, raws := st.Contents(box)
		for i := range msgs {
			m[box] = append(m[box], fmt.Sprintf("%s flags %d", raws[i], msgs[i].Flags))
		}
	}
	return m
}

// TestConcurrentBoxesSameAsOneByOne: boxes synchronised at once print,
// change and record exactly what a run taking them one after the other
// does, in every output mode, and on the run after.
func TestConcurrentBoxesSameAsOneByOne(t *testing.T) {
	for _, c := range []struct {
		opt   Options
		debug bool
	}{
		{opt: Options{}}, {opt: Options{Long: true}}, {opt: Options{Long: true, ShowIDs: true}},
		{opt: Options{NoDelete: true}}, {opt: Options{Simulate: true}}, {opt: Options{DeleteEmpty: true}},
		{opt: Options{SizeLimit: 100, CopyDeleted: true}}, {opt: Options{LimitDeletes: true, MaxDelete: 10}},
		{opt: Options{Long: true}, debug: true},
	} {
		t.Run(fmt.Sprintf("%+v/debug=%v", c.opt, c.debug), func(t *testing.T) {
			one, many := busyWorld(t), busyWorld(t)
			for run := range 2 {
				wantOut, wantErr, wantFailed := one.runWorkers(t, c.opt, 0, c.debug)
				out, errs, failed := many.runWorkers(t, c.opt, 4, c.debug)
				if out != wantOut || errs != wantErr || failed != wantFailed {
					t.Fatalf("run %d: concurrent run printed\n%s\n%s(failed %v)\nwant\n%s\n%s(failed %v)",
						run, out, errs, failed, wantOut, wantErr, wantFailed)
				}
				if !reflect.DeepEqual(many.last, one.last) {
					t.Fatalf("run %d: state %v, want %v", run, many.last, one.last)
				}
				for i, st := range []*memory.Store{many.a, many.b} {
					want := contents([]*memory.Store{one.a, one.b}[i])
					if got := contents(st); !reflect.DeepEqual(got, want) {
						t.Fatalf("run %d: store %d holds\n%v\nwant\n%v", run, i, got, want)
					}
				}
			}
		})
	}
}

// TestConcurrentBoxesInterrupted: a run cancelled while boxes are being
// synchronised stops, fails and prints only whole boxes' output up to
// the interruption, in order.
func TestConcurrentBoxesInterrupted(t *testing.T) {
	w := busyWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{R: r, Workers: 4}
	sa, sb := sidesOf(t, r, w.a, w.b)
	_, res := e.Sync(ctx, sa, sb, w.last)
	r.Flush()
	if !res.Failed {
		t.Error("an interrupted run did not fail")
	}
	if out.Len() != 0 {
		t.Errorf("a run interrupted before it began printed %q", out.String())
	}
}
