package channel

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

var jan1 = time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)

// msg builds a small message from Alice with the given id and subject.
func msg(id, subject string) []byte {
	h := "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: " + subject + "\n"
	if id != "" {
		h += "Message-ID: " + id + "\n"
	}
	return []byte(h + "\nbody of " + subject + "\n")
}

// world is two memory stores and the last state between runs.
type world struct {
	a, b *memory.Store
	last msinfo.State
}

func newWorld() *world { return &world{a: memory.New(), b: memory.New(), last: msinfo.State{}} }

func (w *world) put(t *testing.T, st *memory.Store, box string, id, subject string, flags store.Flags) {
	t.Helper()
	if err := st.Put(box, msg(id, subject), flags, jan1); err != nil {
		t.Fatal(err)
	}
}

// run syncs a and b like "mailsync ch" and returns stdout, stderr.
func (w *world) run(t *testing.T, opt Options) (string, string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{Opt: opt, R: r}
	ctx := context.Background()
	side := func(st *memory.Store, name string) *Side {
		cfg := &config.Store{Name: name, Pat: "*"}
		bx, err := ListBoxes(ctx, st, cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		return &Side{Cfg: cfg, Store: st, Boxes: bx}
	}
	next, res := e.Sync(ctx, side(w.a, "a"), side(w.b, "b"), w.last)
	r.Flush()
	if !opt.Simulate {
		w.last = next
	}
	return out.String(), errb.String(), res.Failed
}

// sidesOf lists the boxes of stores a and b (pattern "*") as the sides
// "a" and "b" of a run reported on r.
func sidesOf(t *testing.T, r *Reporter, a, b store.Store) (*Side, *Side) {
	t.Helper()
	var sides [2]*Side
	for i, st := range []store.Store{a, b} {
		cfg := &config.Store{Name: string(rune('a' + i)), Pat: "*"}
		bx, err := ListBoxes(context.Background(), st, cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		sides[i] = &Side{Cfg: cfg, Store: st, Boxes: bx}
	}
	return sides[0], sides[1]
}

// subjects lists the subjects of a box's messages.
func subjects(st *memory.Store, box string) []string {
	msgs, _ := st.Contents(box)
	var s []string
	for _, m := range msgs {
		s = append(s, subjectOf(m.Header))
	}
	return s
}

func subjectOf(h []byte) string {
	i := bytes.Index(h, []byte("Subject: "))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(h[i:], '\r')
	return string(h[i+9 : i+j])
}

// fp is the from part of a message line for a test message.
func fp(subject string) string { return fromPart(jan1, msg("", subject)) }

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

func TestFirstSyncThenNoop(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<a1@x>", "one", 0)
	w.put(t, w.a, "inbox", "<a2@x>", "two", store.Seen)
	w.put(t, w.b, "inbox", "<b1@x>", "three", 0)
	out, _, failed := w.run(t, Options{})
	check(t, "output", out, "inbox: \n2 copied a->b.\n1 copied b->a.\n3 remain.\n")
	check(t, "failed", failed, false)
	check(t, "a", subjects(w.a, "inbox"), []string{"one", "two", "three"})
	check(t, "b", subjects(w.b, "inbox"), []string{"three", "one", "two"})
	msgs, _ := w.b.Contents("inbox")
	check(t, "flags of copy", msgs[2].Flags&store.CopiedFlags, store.Seen)
	check(t, "state", w.last, msinfo.State{"inbox": {"<a1@x>", "<a2@x>", "<b1@x>"}})
	out, _, _ = w.run(t, Options{})
	check(t, "second run", out, "inbox: \n3 remain.\n")
}

func TestDeletionsPropagate(t *testing.T) {
	w := newWorld()
	for _, st := range []*memory.Store{w.a, w.b} {
		w.put(t, st, "inbox", "<1@x>", "one", 0)
		w.put(t, st, "inbox", "<2@x>", "two", 0)
		w.put(t, st, "inbox", "<3@x>", "three", 0)
	}
	w.last = msinfo.State{"inbox": {"<1@x>", "<2@x>", "<3@x>"}}
	// delete <1@x> in a and <3@x> in b
	delA, _ := w.a.Contents("inbox")
	delB, _ := w.b.Contents("inbox")
	ctx := context.Background()
	for _, d := range []struct {
		st  *memory.Store
		key uint64
	}{{w.a, delA[0].Key}, {w.b, delB[2].Key}} {
		mb, _ := d.st.Open(ctx, "inbox", store.ReadWrite)
		mb.MarkDeleted(ctx, []uint64{d.key})
		mb.Expunge(ctx)
		mb.Close()
	}
	out, _, _ := w.run(t, Options{Long: true})
	want := "\n *** inbox ***\n\n\n1 messages remain in inbox\n" +
		"  deleted    <   " + fp("three") + "\n" +
		"  deleted    >   " + fp("one") + "\n" +
		"Expunged 1 mail in store a\nExpunged 1 mail in store b\n"
	check(t, "output", out, want)
	check(t, "a", subjects(w.a, "inbox"), []string{"two"})
	check(t, "b", subjects(w.b, "inbox"), []string{"two"})
	check(t, "state", w.last, msinfo.State{"inbox": {"<2@x>"}})
}

func TestDuplicatesKeepFirstD2(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<dup@x>", "first-copy", 0)
	w.put(t, w.a, "inbox", "<dup@x>", "second-copy", 0)
	w.put(t, w.a, "inbox", "<dup@x>", "third-copy", 0)
	out, _, _ := w.run(t, Options{})
	check(t, "output", out, "inbox: 2 duplicates in a, \n1 copied a->b.\n1 remains.\nExpunged 2 mails in store a\n")
	check(t, "a", subjects(w.a, "inbox"), []string{"first-copy"})
	check(t, "b", subjects(w.b, "inbox"), []string{"first-copy"})
}

func TestNoIDIgnoredD1(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "", "no-id-1", 0)
	w.put(t, w.a, "inbox", "<>", "angle-id", 0)
	w.put(t, w.a, "inbox", "<ok@x>", "ok", 0)
	out, _, _ := w.run(t, Options{})
	want := "inbox: Warning: empty Message-ID header in message From: \"alice\" Subject: \"no-id-1\" - please consult the README\n" +
		"Warning: empty Message-ID header in message From: \"alice\" Subject: \"angle-id\" - please consult the README\n" +
		"\n1 copied a->b.\n1 remains.\n"
	check(t, "output", out, want)
	check(t, "b", subjects(w.b, "inbox"), []string{"ok"})
	check(t, "a untouched", subjects(w.a, "inbox"), []string{"no-id-1", "angle-id", "ok"})
}

func TestSimulateChangesNothingD4(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.a, "onlya", "<2@x>", "two", 0)
	w.put(t, w.b, "inbox", "<3@x>", "three", 0)
	before := fmt.Sprint(w.a.Boxes(), w.b.Boxes(), subjects(w.a, "inbox"), subjects(w.b, "inbox"))
	out, _, _ := w.run(t, Options{Simulate: true, NoDelete: true, DeleteEmpty: true})
	// D18: the box to create is shown as the real run synchronises it.
	check(t, "output", out, "inbox: \n1 copied a->b.\n1 copied b->a.\n2 remain.\nCreating onlya in b\nonlya: \n1 copied a->b.\n1 remains.\n")
	after := fmt.Sprint(w.a.Boxes(), w.b.Boxes(), subjects(w.a, "inbox"), subjects(w.b, "inbox"))
	check(t, "stores", after, before)
	check(t, "mutations", w.a.Mutations()+w.b.Mutations(), 0)
}

func TestMissingBoxCreatedAndSyncedD3(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "other", "<2@x>", "two", 0)
	out, _, failed := w.run(t, Options{})
	check(t, "output", out, "inbox: \n1 copied a->b.\n1 remains.\nother: \n1 copied b->a.\n1 remains.\n")
	check(t, "failed", failed, false)
	check(t, "a other", subjects(w.a, "other"), []string{"two"})
	check(t, "b inbox", subjects(w.b, "inbox"), []string{"one"})
}

func TestSizeLimitAndIgnDel(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "big-message-with-a-long-subject", 0)
	w.put(t, w.a, "inbox", "<2@x>", "gone", store.Deleted)
	w.put(t, w.b, "inbox", "<3@x>", "small", 0)
	small, _ := w.b.Contents("inbox")
	out, _, _ := w.run(t, Options{SizeLimit: uint64(small[0].Size), NoDelete: true})
	want := "inbox:   too big    ->  " + fp("big-message-with-a-long-subject") + "\n" +
		"  ign. del    >  " + fp("gone") + "\n" +
		"\n1 copied b->a.\n3 remain.\n"
	check(t, "output", out, want)
	check(t, "state", w.last, msinfo.State{"inbox": {"<3@x>"}})
	// -cd copies the \Deleted message, with its flag.
	out, _, _ = w.run(t, Options{CopyDeleted: true, NoDelete: true})
	check(t, "-cd output", out, "inbox: \n2 copied a->b.\n3 remain.\n")
}

func TestDeleteEmptyBoxes(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.a.Put("gone", nil, 0, jan1)
	w.b.Put("gone", nil, 0, jan1)
	// Put with nil raw adds an (empty) message; remove it to get empty boxes.
	for _, st := range []*memory.Store{w.a, w.b} {
		ctx := context.Background()
		mb, _ := st.Open(ctx, "gone", store.ReadWrite)
		msgs, _ := mb.Messages(ctx)
		for _, m := range msgs {
			mb.MarkDeleted(ctx, []uint64{m.Key})
		}
		mb.Expunge(ctx)
		mb.Close()
	}
	out, _, _ := w.run(t, Options{DeleteEmpty: true})
	check(t, "output", out, "inbox: \n1 copied a->b.\n1 remains.\ngone: \n0 remain.\ngone: deleting\n  gone\n  gone\n")
	check(t, "boxes a", w.a.Boxes(), []string{"inbox"})
	check(t, "state", w.last, msinfo.State{"inbox": {"<1@x>"}})
}
