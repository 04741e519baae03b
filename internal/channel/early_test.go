package channel

import (
	"bytes"
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// closeCounter is openCounter whose mailboxes also count their Close.
type closeCounter struct {
	openCounter
	closes *atomic.Int32
}

func (s closeCounter) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.openCounter.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return countedClose{mb, s.closes}, nil
}

type countedClose struct {
	store.Mailbox
	closes *atomic.Int32
}

func (m countedClose) Close() error {
	m.closes.Add(1)
	return m.Mailbox.Close()
}

// earlyRun is bookRun reading up to n boxes of b early (ReadEarly); before
// Sync, between (when not nil) is called. It returns stdout, stderr, the
// boxes opened and closed, and how many were read early.
func (w *world) earlyRun(t *testing.T, dir string, n int, between func(e *Engine)) (string, string, int, int, int) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	r.Verbose = true
	e := &Engine{R: r, Book: settled.Open(dir, "test channel")}
	ctx := context.Background()
	var opens, closes atomic.Int32
	sa, sb := sidesOf(t, r, closeCounter{openCounter{w.a, &opens}, &closes}, closeCounter{openCounter{w.b, &opens}, &closes})
	e.ReadEarly(ctx, sb, w.last, n)
	early := 0
	if e.early != nil {
		early = len(e.early.m)
	}
	if between != nil {
		between(e)
	}
	next, _ := e.Sync(ctx, sa, sb, w.last)
	r.Flush()
	w.last = next
	if err := e.Book.Save(); err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), int(opens.Load()), int(closes.Load()), early
}

// TestEarlyReadUsed: a box whose second side changed since it settled is
// read early and its sync uses that read: it prints and leaves what a
// sync without early reads does, and opens no box more.
func TestEarlyReadUsed(t *testing.T) {
	w, dir := settledWorld(t)
	plain, plainDir := settledWorld(t)
	for _, x := range []*world{w, plain} {
		x.put(t, x.b, "work", "<4@x>", "four", 0)
	}
	wantOut, wantErr, wantOpens := plain.bookRun(t, plainDir, Options{}, false)
	out, errs, opens, closes, early := w.earlyRun(t, dir, 2, nil)
	if early != 1 {
		t.Errorf("%d boxes read early, want 1 (work)", early)
	}
	if out != wantOut || errs != wantErr {
		t.Errorf("printed\n%q\n%q\nwant\n%q\n%q", out, errs, wantOut, wantErr)
	}
	if opens != wantOpens || closes != opens {
		t.Errorf("opened %d boxes and closed %d, want %d opened, all closed", opens, closes, wantOpens)
	}
	if !reflect.DeepEqual(w.last, plain.last) || !reflect.DeepEqual(subjects(w.a, "work"), subjects(plain.a, "work")) {
		t.Errorf("state %v, work in a %v; want %v, %v", w.last, subjects(w.a, "work"), plain.last, subjects(plain.a, "work"))
	}
}

// TestEarlyReadNotOfSettled: boxes unchanged on the second side since
// they settled are not read early (the first side decides whether they
// are read at all).
func TestEarlyReadNotOfSettled(t *testing.T) {
	w, dir := settledWorld(t)
	_, _, opens, closes, early := w.earlyRun(t, dir, 2, nil)
	if early != 0 || opens != 0 || closes != 0 {
		t.Errorf("%d boxes read early, %d opened, %d closed; want none", early, opens, closes)
	}
}

// TestEarlyReadSignatureBeforeRead: a box changed again after its early
// read is not taken for settled by the next run: the book records the
// signature taken before the early read, so the next run reads the box
// and copies what the early read could not see.
func TestEarlyReadSignatureBeforeRead(t *testing.T) {
	w, dir := settledWorld(t)
	w.put(t, w.b, "work", "<4@x>", "four", 0)
	w.earlyRun(t, dir, 2, func(e *Engine) {
		er := e.early.m["work"]
		l := <-er.l // the early read is done
		ch := make(chan listing, 1)
		ch <- l
		er.l = ch
		w.put(t, w.b, "work", "<5@x>", "five", 0)
	})
	if got := subjects(w.a, "work"); !reflect.DeepEqual(got, []string{"three", "four"}) {
		t.Fatalf("work in a after the run with the early read: %v", got)
	}
	w.bookRun(t, dir, Options{}, false)
	if got := subjects(w.a, "work"); !reflect.DeepEqual(got, []string{"three", "four", "five"}) {
		t.Errorf("work in a after the next run: %v, want five copied too", got)
	}
}

// TestEarlyReadUnused: a box read early for another last state, or left
// without a Sync, is closed unused.
func TestEarlyReadUnused(t *testing.T) {
	w, dir := settledWorld(t)
	w.put(t, w.b, "work", "<4@x>", "four", 0)
	_, _, opens, closes, early := w.earlyRun(t, dir, 2, func(e *Engine) {
		w.last["work"] = append([]string{"<0@x>"}, w.last["work"]...)
	})
	if early != 1 || closes != opens {
		t.Errorf("read early %d, opened %d, closed %d", early, opens, closes)
	}
	var opens2, closes2 atomic.Int32
	r := NewReporter(&bytes.Buffer{}, &bytes.Buffer{})
	e := &Engine{R: r, Book: settled.Open(dir, "test channel")}
	_, sb := sidesOf(t, r, w.a, closeCounter{openCounter{w.b, &opens2}, &closes2})
	w.put(t, w.b, "work", "<6@x>", "six", 0)
	e.ReadEarly(context.Background(), sb, w.last, 2)
	e.DropEarly()
	if opens2.Load() != 1 || closes2.Load() != 1 {
		t.Errorf("without a Sync: opened %d, closed %d; want 1, 1", opens2.Load(), closes2.Load())
	}
}
