package channel

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// openCounter is a memory store (and store.Signer) that counts the boxes
// opened.
type openCounter struct {
	*memory.Store
	opens *atomic.Int32 // both sides are opened at once
}

func (s openCounter) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	s.opens.Add(1)
	return s.Store.Open(ctx, name, mode)
}

// bookRun syncs w's stores once with the settled boxes in dir (a book
// saved after the run, as the CLI does when the msinfo was written) and
// returns stdout, stderr and the number of boxes opened. Without a dir
// the engine keeps no book.
func (w *world) bookRun(t *testing.T, dir string, opt Options, debug bool) (string, string, int) {
	t.Helper()
	return w.tracedRun(t, dir, opt, debug, nil)
}

// tracedRun is bookRun with trace given every event the engine emits.
func (w *world) tracedRun(t *testing.T, dir string, opt Options, debug bool, trace func(event.Event)) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	r.Debug = debug
	r.Verbose = true // the -v notes, too, are the same
	e := &Engine{Opt: opt, R: r, trace: trace}
	if dir != "" {
		e.Book = settled.Open(dir, "test channel")
	}
	ctx := context.Background()
	var opens atomic.Int32
	sa, sb := sidesOf(t, r, openCounter{w.a, &opens}, openCounter{w.b, &opens})
	next, res := e.Sync(ctx, sa, sb, w.last)
	r.Flush()
	if !opt.Simulate && !res.Refused {
		w.last = next
		if e.Book != nil {
			if err := e.Book.Save(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out.String(), errb.String(), int(opens.Load())
}

// settledWorld has two synchronised boxes, inbox and work, the state of a
// run and a book in which both are settled.
func settledWorld(t *testing.T) (*world, string) {
	t.Helper()
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.b, "inbox", "<2@x>", "two", 0)
	w.put(t, w.a, "work", "<3@x>", "three", 0)
	dir := t.TempDir()
	// Copies both ways in inbox: nothing recorded; into b only in work:
	// work is recorded with a's signature, to be checked by reading b.
	w.bookRun(t, dir, Options{}, false)
	if _, _, opens := w.bookRun(t, dir, Options{}, false); opens != 3 {
		t.Fatalf("the no-op sync that settles opened %d boxes, want 3 (inbox, work in b)", opens)
	}
	return w, dir
}

func TestSettledBoxesAreNotRead(t *testing.T) {
	w, dir := settledWorld(t)
	last := w.last
	for _, opt := range []Options{{}, {Long: true}, {Long: true, ShowIDs: true}, {NoDelete: true}, {Simulate: true}} {
		// What a sync without the book prints...
		plain := &world{a: w.a, b: w.b, last: last}
		wantOut, wantErr, opens := plain.bookRun(t, "", opt, false)
		if opens != 4 {
			t.Fatalf("%+v: a sync without book opened %d boxes", opt, opens)
		}
		// ... a sync with it prints too, without opening a box.
		out, errs, opens := w.bookRun(t, dir, opt, false)
		if opens != 0 {
			t.Errorf("%+v: settled sync opened %d boxes, want 0", opt, opens)
		}
		if out != wantOut || strings.ReplaceAll(errs, " (settled)]", "]") != wantErr {
			t.Errorf("%+v: settled sync printed\n%q\n%q\nwant\n%q\n%q", opt, out, errs, wantOut, wantErr)
		}
		if !reflect.DeepEqual(w.last, last) {
			t.Errorf("%+v: state %v, want %v", opt, w.last, last)
		}
	}
	if _, _, opens := w.bookRun(t, dir, Options{}, true); opens != 4 {
		t.Errorf("-d: opened %d boxes, want 4 (its lines come from reading)", opens)
	}
}

func TestSettledBoxChanged(t *testing.T) {
	t.Run("new message", func(t *testing.T) {
		w, dir := settledWorld(t)
		w.put(t, w.b, "work", "<4@x>", "four", 0)
		out, _, opens := w.bookRun(t, dir, Options{}, false)
		if opens != 2 || !strings.Contains(out, "1 copied b->a.") {
			t.Errorf("opened %d boxes, printed %q; want work read and copied", opens, out)
		}
		if got := subjects(w.a, "work"); !reflect.DeepEqual(got, []string{"three", "four"}) {
			t.Errorf("work in a: %v", got)
		}
	})
	t.Run("flag", func(t *testing.T) {
		w, dir := settledWorld(t)
		mb, err := w.a.Open(context.Background(), "inbox", store.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := mb.Messages(context.Background())
		if err := mb.MarkDeleted(context.Background(), []uint64{msgs[0].Key}); err != nil {
			t.Fatal(err)
		}
		mb.Close()
		if _, _, opens := w.bookRun(t, dir, Options{}, false); opens != 2 {
			t.Errorf("opened %d boxes, want inbox read", opens)
		}
	})
	t.Run("msinfo", func(t *testing.T) {
		w, dir := settledWorld(t)
		w.last["work"] = append([]string{"<0@x>"}, w.last["work"]...)
		if _, _, opens := w.bookRun(t, dir, Options{}, false); opens != 2 {
			t.Errorf("opened %d boxes, want work read", opens)
		}
	})
	t.Run("book of another channel", func(t *testing.T) {
		w, dir := settledWorld(t)
		b := settled.Open(dir, "another channel")
		if _, ok := b.Lookup("inbox"); ok {
			t.Error("another channel's book holds inbox")
		}
		if _, _, opens := w.bookRun(t, dir, Options{}, false); opens != 0 {
			t.Errorf("opened %d boxes, want 0", opens)
		}
	})
}

// TestSettledOnlyWhenNothingToDo: a box with a duplicate, a message
// without id or one flagged deleted is read by every sync.
func TestSettledOnlyWhenNothingToDo(t *testing.T) {
	for name, setup := range map[string]func(w *world, t *testing.T){
		"duplicate": func(w *world, t *testing.T) {
			w.put(t, w.a, "dups", "<5@x>", "five", 0)
			w.put(t, w.a, "dups", "<5@x>", "five again", 0)
		},
		"no id": func(w *world, t *testing.T) {
			w.put(t, w.a, "dups", "", "no id", 0)
		},
		"deleted": func(w *world, t *testing.T) {
			w.put(t, w.a, "dups", "<6@x>", "six", store.Deleted)
			w.put(t, w.b, "dups", "<6@x>", "six", 0)
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld()
			setup(w, t)
			dir := t.TempDir()
			for i := range 4 {
				// -n keeps the duplicate (the sync would remove it).
				if _, _, opens := w.bookRun(t, dir, Options{NoDelete: true}, false); opens != 2 {
					t.Fatalf("run %d opened %d boxes, want 2", i+1, opens)
				}
			}
		})
	}
}

// TestSettledDeleteEmpty: -D deletes a settled empty box as it deletes
// one it reads.
func TestSettledDeleteEmpty(t *testing.T) {
	w, dir := settledWorld(t)
	for _, st := range []*memory.Store{w.a, w.b} {
		if err := st.Create(context.Background(), "empty"); err != nil {
			t.Fatal(err)
		}
	}
	w.bookRun(t, dir, Options{}, false)
	if _, _, opens := w.bookRun(t, dir, Options{}, false); opens != 0 {
		t.Fatalf("opened %d boxes, want 0", opens)
	}
	out, _, _ := w.bookRun(t, dir, Options{DeleteEmpty: true}, false)
	if !strings.Contains(out, "empty: deleting\n") {
		t.Errorf("-D printed %q", out)
	}
	for _, st := range []*memory.Store{w.a, w.b} {
		if got := st.Boxes(); !reflect.DeepEqual(got, []string{"inbox", "work"}) {
			t.Errorf("boxes %v after -D", got)
		}
	}
	if _, ok := w.last["empty"]; ok {
		t.Error("the deleted box is still in the state")
	}
}

// TestSettledEmitsWhatReadEmits: a settled box, not read, emits the very
// events a sync that reads it and finds nothing to do emits (box start,
// the -v plan note, the copy counts, the remain count), but for the
// note's Settled mark; so the two cannot print different bytes. The -d
// events of reading (what it opens, copies, removes) are not among them:
// under -d no box is skipped.
func TestSettledEmitsWhatReadEmits(t *testing.T) {
	w, dir := settledWorld(t)
	for _, opt := range []Options{{}, {Long: true}, {Long: true, ShowIDs: true}, {NoDelete: true}, {Simulate: true}} {
		var read, skipped []event.Event
		plain := &world{a: w.a, b: w.b, last: w.last}
		if _, _, opens := plain.tracedRun(t, "", opt, false, func(ev event.Event) {
			if !event.IsDebug(ev) {
				read = append(read, ev)
			}
		}); opens != 4 {
			t.Fatalf("%+v: a sync without book opened %d boxes", opt, opens)
		}
		if _, _, opens := w.tracedRun(t, dir, opt, false, func(ev event.Event) { skipped = append(skipped, ev) }); opens != 0 {
			t.Fatalf("%+v: settled sync opened %d boxes, want 0", opt, opens)
		}
		marked := 0
		for i, ev := range skipped {
			if p, ok := ev.(event.Planned); ok && p.Settled {
				p.Settled = false
				skipped[i] = p
				marked++
			}
		}
		if marked != 2 {
			t.Errorf("%+v: %d plan notes marked settled, want 2 (inbox, work)", opt, marked)
		}
		if len(read) != 8 || !reflect.DeepEqual(skipped, read) {
			t.Errorf("%+v: settled boxes emitted\n%#v\nreading them emitted\n%#v", opt, skipped, read)
		}
	}
}
