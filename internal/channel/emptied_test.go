package channel

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// fourBoxes are the boxes of a synchronised pair in box order.
var fourBoxes = []string{"inbox", "lists", "trash", "work"}

// syncedWorld is two stores that hold the same 4 messages in each of
// boxes, all remembered by the msinfo: the state after a good sync.
func syncedWorld(t *testing.T, boxes ...string) *world {
	t.Helper()
	w := newWorld()
	for _, box := range boxes {
		for i := range 4 {
			id := fmt.Sprintf("<%s.%d@x>", box, i)
			w.put(t, w.a, box, id, box+fmt.Sprint(i), 0)
			w.put(t, w.b, box, id, box+fmt.Sprint(i), 0)
			w.last[box] = append(w.last[box], id)
		}
	}
	return w
}

// clearBox removes every message of box in st; the box stays listed.
func clearBox(t *testing.T, st *memory.Store, box string) {
	t.Helper()
	ctx := context.Background()
	mb, err := st.Open(ctx, box, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := mb.Messages(ctx)
	for _, m := range msgs {
		mb.MarkDeleted(ctx, []uint64{m.Key})
	}
	if _, err := mb.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	mb.Close()
}

func emptiedErr(st string, msgs, boxes int) string {
	return fmt.Sprintf("Error: every mailbox of store %s that the msinfo remembers messages for is empty or missing "+
		"(%d %s in %d %s); refusing to delete them on the other side. If they were really removed, "+
		"delete the msinfo entry (or run with --max-delete=100).\n", st, msgs, event.Plural(msgs, "message", "messages"), boxes, event.Plural(boxes, "box", "boxes"))
}

// TestAllEmptyRefused (D26): every box emptied on one side while the
// msinfo remembers its messages: the run is refused whatever the options
// but --max-delete=100, one after the other and at once, on either side;
// nothing changes and the state is the last one.
func TestAllEmptyRefused(t *testing.T) {
	opts := []Options{{}, {NoDelete: true}, {Simulate: true, NoDelete: true}, {DeleteEmpty: true}, {LimitDeletes: true, MaxDelete: 99}, {Long: true}}
	for _, side := range []string{"a", "b"} {
		for _, opt := range opts {
			for _, workers := range []int{0, 4} {
				t.Run(fmt.Sprintf("%s/%+v/workers=%d", side, opt, workers), func(t *testing.T) {
					w := syncedWorld(t, fourBoxes...)
					emptied, other := w.b, w.a
					if side == "a" {
						emptied, other = w.a, w.b
					}
					for _, box := range fourBoxes {
						clearBox(t, emptied, box)
					}
					before := contents(other)
					m0 := w.a.Mutations() + w.b.Mutations()
					last := w.last
					var out, errb bytes.Buffer
					r := NewReporter(&out, &errb)
					e := &Engine{Opt: opt, R: r, Workers: workers}
					sa, sb := sidesOf(t, r, w.a, w.b)
					next, res := e.Sync(context.Background(), sa, sb, last)
					r.Flush()
					check(t, "stderr", errb.String(), emptiedErr(side, 16, 4))
					check(t, "failed", res.Failed, true)
					check(t, "refused", res.Refused, true)
					check(t, "state", next, last)
					check(t, "changes", w.a.Mutations()+w.b.Mutations()-m0, 0)
					check(t, "other store", contents(other), before)
					// The run stops in the first box, which asked.
					header := "inbox: "
					if opt.Long {
						header = "\n *** inbox ***\n\n"
					}
					check(t, "stdout", out.String(), header)
				})
			}
		}
	}
}

// TestAllEmptyLifted: --max-delete=100 lets 5.2.7's deletions through.
func TestAllEmptyLifted(t *testing.T) {
	w := syncedWorld(t, fourBoxes...)
	for _, box := range fourBoxes {
		clearBox(t, w.b, box)
	}
	_, errs, failed := w.run(t, Options{LimitDeletes: true, MaxDelete: 100})
	check(t, "stderr", errs, "")
	check(t, "failed", failed, false)
	for _, box := range fourBoxes {
		check(t, "a "+box, subjects(w.a, box), []string(nil))
	}
}

// TestOneEmptiedBoxIsADeletion: one box emptied (a Trash) is an ordinary
// deletion, whether boxes handled before it already answered the
// question or it asks first; at once the run does the same.
func TestOneEmptiedBoxIsADeletion(t *testing.T) {
	for _, box := range fourBoxes {
		for _, side := range []string{"a", "b"} {
			t.Run(box+"/"+side, func(t *testing.T) {
				one, many := syncedWorld(t, fourBoxes...), syncedWorld(t, fourBoxes...)
				for _, w := range []*world{one, many} {
					clearBox(t, map[string]*memory.Store{"a": w.a, "b": w.b}[side], box)
				}
				out, errs, failed := one.runAt(t, Options{}, 0)
				check(t, "stderr", errs, "")
				check(t, "failed", failed, false)
				check(t, "a "+box, subjects(one.a, box), []string(nil))
				check(t, "b "+box, subjects(one.b, box), []string(nil))
				check(t, "state", one.last[box], []string(nil))
				want := fmt.Sprintf("%s: \n0 remain.\nExpunged 4 mails in store %s\n", box, map[string]string{"a": "b", "b": "a"}[side])
				if !strings.Contains(out, want) {
					t.Errorf("stdout %q lacks %q", out, want)
				}
				out2, errs2, failed2 := many.runAt(t, Options{}, 4)
				if out2 != out || errs2 != errs || failed2 != failed || !reflect.DeepEqual(many.last, one.last) {
					t.Errorf("at once:\n%s%s(failed %v)\none after the other:\n%s%s(failed %v)", out2, errs2, failed2, out, errs, failed)
				}
				check(t, "contents at once", contents(many.a), contents(one.a))
			})
		}
	}
}

// TestOnlyRememberedBoxEmptied: when the msinfo remembers messages for
// one box only, emptying it is refused like emptying all (the run
// cannot tell a broken server from a deliberate clean-up; a one-box
// channel is the most exposed). A box emptied on both sides asks nothing.
func TestOnlyRememberedBoxEmptied(t *testing.T) {
	w := syncedWorld(t, "inbox")
	w.put(t, w.a, "newbox1", "<n@x>", "new", 0) // a box not remembered does not answer
	clearBox(t, w.b, "inbox")
	out, errs, failed := w.run(t, Options{})
	check(t, "stderr", errs, emptiedErr("b", 4, 1))
	check(t, "failed", failed, true)
	check(t, "stdout", out, "newbox1: \n1 copied a->b.\n1 remains.\ninbox: ")
	check(t, "a inbox", len(subjects(w.a, "inbox")), 4)

	w = syncedWorld(t, "inbox", "work")
	clearBox(t, w.a, "inbox")
	clearBox(t, w.b, "inbox")
	clearBox(t, w.b, "work")
	_, errs, failed = w.run(t, Options{})
	check(t, "both emptied, then all of b", errs, emptiedErr("b", 8, 2))
	check(t, "failed", failed, true)
}

// oneOpen is a store that, like an IMAP store with its one connection,
// fails to open a box while another of its boxes is open.
type oneOpen struct {
	store.Store
	mu    sync.Mutex
	open  string
	opens map[string]int
	t     *testing.T
}

func (s *oneOpen) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open != "" {
		s.t.Errorf("%s opened while %s is open", name, s.open)
		return nil, fmt.Errorf("busy with %s", s.open)
	}
	mb, err := s.Store.Open(ctx, name, mode)
	if err == nil {
		s.open = name
		s.opens[name]++
		mb = &oneOpenBox{Mailbox: mb, s: s}
	}
	return mb, err
}

type oneOpenBox struct {
	store.Mailbox
	s *oneOpen
}

func (b *oneOpenBox) Close() error {
	b.s.mu.Lock()
	b.s.open = ""
	b.s.mu.Unlock()
	return b.Mailbox.Close()
}

// TestEmptiedAskedWithOneConnection: the question is answered with no
// other box of the store open; a normal run opens every box once per
// side, a box that asks opens its empty side again and the boxes looked
// at once more.
func TestEmptiedAskedWithOneConnection(t *testing.T) {
	for _, c := range []struct {
		name    string
		emptied []string
		opens   map[string]int // of store b's boxes
		errs    string
	}{
		{"nothing emptied", nil, map[string]int{"inbox": 1, "lists": 1, "trash": 1, "work": 1}, ""},
		{"last box emptied", []string{"work"}, map[string]int{"inbox": 1, "lists": 1, "trash": 1, "work": 1}, ""},
		{"first box emptied", []string{"inbox"}, map[string]int{"inbox": 2, "lists": 2, "trash": 1, "work": 1}, ""},
		{"all but the last emptied", []string{"inbox", "lists", "trash"}, map[string]int{"inbox": 2, "lists": 2, "trash": 2, "work": 2}, ""},
		{"all emptied", fourBoxes, map[string]int{"inbox": 1, "lists": 1, "trash": 1, "work": 1}, emptiedErr("b", 16, 4)},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := syncedWorld(t, fourBoxes...)
			for _, box := range c.emptied {
				clearBox(t, w.b, box)
			}
			var out, errb bytes.Buffer
			r := NewReporter(&out, &errb)
			sa := &oneOpen{Store: w.a, opens: map[string]int{}, t: t}
			sb := &oneOpen{Store: w.b, opens: map[string]int{}, t: t}
			a, b := sidesOf(t, r, sa, sb)
			e := &Engine{R: r, Workers: 4} // not concurrent: oneOpen is no ConcurrentBoxes
			e.Sync(context.Background(), a, b, w.last)
			r.Flush()
			check(t, "stderr", errb.String(), c.errs)
			check(t, "opens of b", sb.opens, c.opens)
		})
	}
}

// runAt syncs w with workers (0: one box after the other) like run.
func (w *world) runAt(t *testing.T, opt Options, workers int) (string, string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{Opt: opt, R: r, Workers: workers}
	sa, sb := sidesOf(t, r, w.a, w.b)
	if workers > 1 && !e.concurrent(sa, sb, 2) {
		t.Fatal("memory stores are not synchronised concurrently")
	}
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	if !opt.Simulate {
		w.last = next
	}
	return out.String(), errb.String(), res.Failed
}
