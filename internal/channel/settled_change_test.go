package channel

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// sidedRun syncs w once with the book in dir (saved after the run) and
// returns stdout and how many boxes each side opened.
func (w *world) sidedRun(t *testing.T, dir string, opt Options) (string, [2]int) {
	t.Helper()
	var out bytes.Buffer
	r := NewReporter(&out, &bytes.Buffer{})
	r.Verbose = true
	e := &Engine{Opt: opt, R: r, Book: settled.Open(dir, "test channel")}
	var na, nb atomic.Int32
	sa, sb := sidesOf(t, r, openCounter{w.a, &na}, openCounter{w.b, &nb})
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	if res.Failed {
		t.Fatalf("the sync failed: %s", out.String())
	}
	w.last = next
	if err := e.Book.Save(); err != nil {
		t.Fatal(err)
	}
	return out.String(), [2]int{int(na.Load()), int(nb.Load())}
}

// plainOutput is what a sync of w's stores without a book would print
// now (it changes nothing when there is nothing to do).
func (w *world) plainOutput(t *testing.T) string {
	t.Helper()
	plain := &world{a: w.a, b: w.b, last: w.last}
	out, _, _ := plain.bookRun(t, "", Options{}, false)
	return out
}

// TestSettledAfterOneSidedChange: a sync that copies into one side only
// records the box with the other side's signature; the next run reads
// just the side it changed, finds the recorded ids and prints what a
// sync that reads both prints; the run after reads nothing.
func TestSettledAfterOneSidedChange(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	dir := t.TempDir()
	if _, opens := w.sidedRun(t, dir, Options{}); opens != [2]int{1, 1} {
		t.Fatalf("first run opened %v", opens)
	}
	want := w.plainOutput(t)
	out, opens := w.sidedRun(t, dir, Options{})
	check(t, "boxes opened after copies into b", opens, [2]int{0, 1})
	check(t, "output", out, want)
	out, opens = w.sidedRun(t, dir, Options{})
	check(t, "boxes opened after that", opens, [2]int{0, 0})
	check(t, "output", out, want)
}

// TestSettledChangedSideChangedAgain: a change to the side the last run
// changed (the side without a signature in the book) is found by the
// read that checks it; that read serves the sync (the side is opened
// once), which prints and does what a sync without a book does.
func TestSettledChangedSideChangedAgain(t *testing.T) {
	for name, change := range map[string]func(t *testing.T, w *world){
		"new message":        func(t *testing.T, w *world) { w.put(t, w.b, "inbox", "<3@x>", "three", 0) },
		"message deleted":    func(t *testing.T, w *world) { removeAt(t, w.b, "inbox", 0) },
		"flagged deleted":    func(t *testing.T, w *world) { w.b.SetFlagsAt("inbox", 1, store.Deleted) },
		"duplicate":          func(t *testing.T, w *world) { w.put(t, w.b, "inbox", "<1@x>", "one again", 0) },
		"message without id": func(t *testing.T, w *world) { w.put(t, w.b, "inbox", "", "none", 0) },
	} {
		t.Run(name, func(t *testing.T) {
			// w runs with a book, twin without: same stores, same runs.
			var worlds [2]*world
			for k := range worlds {
				w := newWorld()
				w.put(t, w.a, "inbox", "<1@x>", "one", 0)
				w.put(t, w.a, "inbox", "<2@x>", "two", 0)
				worlds[k] = w
			}
			w, twin := worlds[0], worlds[1]
			dir := t.TempDir()
			w.sidedRun(t, dir, Options{})
			twin.sidedRun(t, t.TempDir(), Options{})
			change(t, w)
			change(t, twin)
			out, opens := w.sidedRun(t, dir, Options{})
			check(t, "boxes opened", opens, [2]int{1, 1})
			want, _ := twin.sidedRun(t, t.TempDir(), Options{})
			check(t, "output", out, want)
			check(t, "state", w.last, twin.last)
			check(t, "a", subjects(w.a, "inbox"), subjects(twin.a, "inbox"))
			check(t, "b", subjects(w.b, "inbox"), subjects(twin.b, "inbox"))
		})
	}
}

// TestSettledTrustedSideChanged: a change to the side whose signature
// the book holds is seen by its signature: both sides are read.
func TestSettledTrustedSideChanged(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	dir := t.TempDir()
	w.sidedRun(t, dir, Options{})
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	out, opens := w.sidedRun(t, dir, Options{})
	check(t, "boxes opened", opens, [2]int{1, 1})
	check(t, "output", out, "inbox: \n1 copied a->b.\n2 remain.\n")
	check(t, "b", subjects(w.b, "inbox"), []string{"one", "two"})
}

// TestSettledNotAfterTwoSidedChange: a sync that changed both sides
// records nothing: the next run reads both.
func TestSettledNotAfterTwoSidedChange(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<2@x>", "two", 0)
	dir := t.TempDir()
	w.sidedRun(t, dir, Options{})
	if _, opens := w.sidedRun(t, dir, Options{}); opens != [2]int{1, 1} {
		t.Errorf("boxes opened after copies both ways: %v, want both", opens)
	}
	if _, opens := w.sidedRun(t, dir, Options{}); opens != [2]int{0, 0} {
		t.Errorf("boxes opened after a sync with nothing to do: %v, want none", opens)
	}
}

// TestSettledNotWithDeletionsLeft: under -n a deletion is not made, so
// the side keeps a message the state does not: nothing is recorded.
func TestSettledNotWithDeletionsLeft(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	dir := t.TempDir()
	w.sidedRun(t, dir, Options{})
	w.sidedRun(t, dir, Options{})
	removeAt(t, w.a, "inbox", 0) // <1@x>: to delete in b
	w.put(t, w.a, "inbox", "<3@x>", "three", 0)
	w.sidedRun(t, dir, Options{NoDelete: true})
	if _, opens := w.sidedRun(t, dir, Options{NoDelete: true}); opens != [2]int{1, 1} {
		t.Errorf("boxes opened after a sync that left a deletion: %v, want both", opens)
	}
}
