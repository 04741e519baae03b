package channel

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// engineRun syncs a and b once and returns the engine, the state it
// returned, stdout and stderr; w.last is left alone.
func (w *world) engineRun(t *testing.T, opt Options) (Result, msinfo.State, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{Opt: opt, R: r}
	ctx := context.Background()
	sa, sb := sidesOf(t, r, w.a, w.b)
	next, res := e.Sync(ctx, sa, sb, w.last)
	r.Flush()
	return res, next, out.String(), errb.String()
}

// braked sets up store a with nothing (or only a folder) and store b with
// inbox and work, all of whose messages the msinfo remembers.
func braked(t *testing.T, folder bool) *world {
	t.Helper()
	w := newWorld()
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<2@x>", "two", 0)
	w.put(t, w.b, "work", "<3@x>", "three", 0)
	if folder {
		if err := w.a.Folder("mail"); err != nil {
			t.Fatal(err)
		}
	}
	w.last = msinfo.State{"inbox": {"<1@x>", "<2@x>"}, "work": {"<3@x>"}, "old": {"<9@x>"}}
	return w
}

func TestStoreBrakeRefusesEverything(t *testing.T) {
	for _, folder := range []bool{false, true} {
		for _, opt := range []Options{{}, {NoDelete: true}, {Simulate: true, NoDelete: true}, {DeleteEmpty: true}, {LimitDeletes: true, MaxDelete: 99}} {
			t.Run(fmt.Sprintf("folder=%v/%+v", folder, opt), func(t *testing.T) {
				w := braked(t, folder)
				last := w.last
				res, next, out, errs := w.engineRun(t, opt)
				failed := res.Failed
				check(t, "returned state", next, last)
				check(t, "stdout", out, "")
				check(t, "stderr", errs, "Error: store a lists no mailboxes, but the msinfo remembers 3 messages in 2 boxes for it; "+
					"refusing to delete them on the other side. If the mailboxes were really removed, "+
					"delete the msinfo entry (or run with --max-delete=100).\n")
				check(t, "failed", failed, true)
				check(t, "refused", res.Refused, true)
				check(t, "changes", w.a.Mutations()+w.b.Mutations(), 0)
				check(t, "b inbox", subjects(w.b, "inbox"), []string{"one", "two"})
			})
		}
	}
}

func TestStoreBrakeSecondStoreAndSingular(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.last = msinfo.State{"inbox": {"<1@x>"}}
	_, errs, failed := w.run(t, Options{})
	check(t, "stderr", errs, "Error: store b lists no mailboxes, but the msinfo remembers 1 message in 1 box for it; "+
		"refusing to delete them on the other side. If the mailboxes were really removed, "+
		"delete the msinfo entry (or run with --max-delete=100).\n")
	check(t, "failed", failed, true)
	check(t, "a inbox", subjects(w.a, "inbox"), []string{"one"})
}

// The brake does not change what 5.2.7 does when the msinfo remembers
// nothing for the boxes of the other store (a first sync into an empty
// store) or when neither store lists anything.
func TestStoreBrakeLeaves527Alone(t *testing.T) {
	w := newWorld()
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.last = msinfo.State{"elsewhere": {"<7@x>"}}
	out, errs, failed := w.run(t, Options{})
	check(t, "first sync", out, "inbox: \n1 copied b->a.\n1 remains.\n")
	check(t, "stderr", errs, "")
	check(t, "failed", failed, false)

	w = newWorld()
	w.last = msinfo.State{"inbox": {"<1@x>"}}
	out, errs, failed = w.run(t, Options{})
	check(t, "both empty", out+errs, "")
	check(t, "failed", failed, false)
	check(t, "state", w.last, msinfo.State{})
}

func TestMaxDelete100LiftsStoreBrake(t *testing.T) {
	w := braked(t, false)
	_, errs, failed := w.run(t, Options{LimitDeletes: true, MaxDelete: 100})
	check(t, "stderr", errs, "")
	check(t, "failed", failed, false)
	// 5.2.7's behaviour: the boxes are created in a and emptied in b.
	check(t, "b inbox", subjects(w.b, "inbox"), []string(nil))
	check(t, "a boxes", w.a.Boxes(), []string{"inbox", "work"})
}

func TestMaxDeletePerBox(t *testing.T) {
	setup := func() *world {
		w := newWorld()
		for _, st := range []*memory.Store{w.a, w.b} {
			w.put(t, st, "inbox", "<1@x>", "one", 0)
			w.put(t, st, "small", "<s@x>", "s", 0)
		}
		for i := 2; i <= 4; i++ {
			w.put(t, w.b, "inbox", fmt.Sprintf("<%d@x>", i), fmt.Sprint("m", i), 0)
		}
		w.put(t, w.b, "small", "<t@x>", "t", 0)
		w.put(t, w.a, "inbox", "<new@x>", "new", 0)
		w.last = msinfo.State{"inbox": {"<1@x>", "<2@x>", "<3@x>", "<4@x>"}, "small": {"<s@x>", "<t@x>"}}
		return w
	}
	// inbox: 3 of b's 4 messages would go (75%); small: 1 of 2 (50%).
	w := setup()
	out, errs, failed := w.run(t, Options{LimitDeletes: true, MaxDelete: 50})
	check(t, "stdout", out, "inbox: small: \n1 remains.\nExpunged 1 mail in store b\n")
	check(t, "stderr", errs, "Error: 3 of the 4 messages of mailbox inbox in store b would be deleted (75%), "+
		"more than --max-delete=50 allows; skipping this mailbox. If the deletions are intended, run with a higher --max-delete.\n")
	check(t, "failed", failed, true)
	check(t, "b inbox untouched", subjects(w.b, "inbox"), []string{"one", "m2", "m3", "m4"})
	check(t, "a inbox: not even copied", subjects(w.a, "inbox"), []string{"one", "new"})
	check(t, "state keeps inbox", w.last, msinfo.State{"inbox": {"<1@x>", "<2@x>", "<3@x>", "<4@x>"}, "small": {"<s@x>"}})

	w = setup()
	_, errs, failed = w.run(t, Options{LimitDeletes: true, MaxDelete: 75})
	check(t, "75%: stderr", errs, "")
	check(t, "75%: failed", failed, false)
	check(t, "75%: b inbox", subjects(w.b, "inbox"), []string{"one", "new"})

	// -n deletes nothing, so nothing is limited.
	w = setup()
	_, errs, failed = w.run(t, Options{LimitDeletes: true, MaxDelete: 0, NoDelete: true})
	check(t, "-n: stderr", errs, "")
	check(t, "-n: failed", failed, false)
}
