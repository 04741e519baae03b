package channel

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// fworld is a world whose runs keep flags in step: the records of the
// last sync go in and the new ones are kept, as cmd/mailsync does.
type fworld struct {
	*world
	flags    flagstate.Records
	keywords flagstate.KeywordRecords
	// wrapA, wrapB, when set, give the store a side's run sees.
	wrapA, wrapB func(store.Store) store.Store
}

func newFWorld() *fworld { return &fworld{world: newWorld()} }

// frun syncs with flags sync on (unless opt says otherwise: off runs
// with opt.FlagSync false keep the records as they were) and returns
// stdout, stderr and whether it failed.
func (w *fworld) frun(t *testing.T, opt Options) (string, string, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{Opt: opt, R: r, LastFlags: w.flags, LastKeywords: w.keywords}
	var a, b store.Store = w.a, w.b
	if w.wrapA != nil {
		a = w.wrapA(a)
	}
	if w.wrapB != nil {
		b = w.wrapB(b)
	}
	sa, sb := sidesOf(t, r, a, b)
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	if !opt.Simulate {
		w.last = next
		if opt.FlagSync {
			w.flags, w.keywords = res.Flags, res.Keywords
			for box, k := range res.Keywords {
				if len(k) != len(next[box]) {
					t.Fatalf("box %s: %d keyword records for %d ids", box, len(k), len(next[box]))
				}
			}
			for box, ids := range next {
				if f, ok := res.Flags[box]; ok && len(f) != len(ids) {
					t.Fatalf("box %s: %d records for %d ids", box, len(f), len(ids))
				}
			}
		}
	}
	return out.String(), errb.String(), res.Failed
}

// flagsOf lists the flags of a box's messages, in box order.
func flagsOf(st *memory.Store, box string) []store.Flags {
	msgs, _ := st.Contents(box)
	var f []store.Flags
	for _, m := range msgs {
		f = append(f, m.Flags)
	}
	return f
}

var fsync = Options{FlagSync: true}

// synced returns a world whose inbox holds <1@x> on both sides with
// flags a on the first and b on the second, after a sync with flags sync
// (so a record exists: their union).
func synced(t *testing.T, a, b store.Flags) *fworld {
	t.Helper()
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", a)
	w.frun(t, fsync)
	w.b.SetFlagsAt("inbox", 0, b)
	w.frun(t, fsync)
	return w
}

// TestFlagsThreeWay: every case of the three-way rule per flag
// (doc/design/flags.md).
func TestFlagsThreeWay(t *testing.T) {
	const S, A, F, D = store.Seen, store.Answered, store.Flagged, store.Draft
	cases := []struct {
		name  string
		start store.Flags // both sides and the record
		a, b  store.Flags // then changed to
		want  store.Flags
		out   string
	}{
		{"set on a", 0, S, 0, S, "inbox: \n1 flag changed a->b.\n1 remains.\n"},
		{"cleared on b", S | F, S | F, F, F, "inbox: \n1 flag changed b->a.\n1 remains.\n"},
		{"set on both", 0, S, S, S, "inbox: \n1 remains.\n"},
		{"cleared on both", S, 0, 0, 0, "inbox: \n1 remains.\n"},
		{"different flags each side", 0, S, F, S | F, "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n1 remains.\n"},
		{"cleared on a, set on b", S, 0, S | A, A, "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n1 remains.\n"},
		{"draft", D, 0, D, 0, "inbox: \n1 flag changed a->b.\n1 remains.\n"},
		{"nothing changed", S | A | F | D, S | A | F | D, S | A | F | D, S | A | F | D, "inbox: \n1 remains.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := synced(t, c.start, c.start)
			w.a.SetFlagsAt("inbox", 0, c.a)
			w.b.SetFlagsAt("inbox", 0, c.b)
			out, errOut, failed := w.frun(t, fsync)
			check(t, "output", out+errOut, c.out)
			check(t, "failed", failed, false)
			check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{c.want})
			check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{c.want})
			out, _, _ = w.frun(t, fsync)
			check(t, "second run", out, "inbox: \n1 remains.\n")
			check(t, "a after", flagsOf(w.a, "inbox"), []store.Flags{c.want})
		})
	}
}

// TestFlagsUnionWithoutRecord: the first run with the switch (after runs
// with it off) takes the union, which never clears a flag.
func TestFlagsUnionWithoutRecord(t *testing.T) {
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.a, "inbox", "<2@x>", "two", store.Seen)
	w.frun(t, Options{}) // flags copy: 5.2.7's behaviour
	w.b.SetFlagsAt("inbox", 0, store.Flagged|store.Seen)
	w.a.SetFlagsAt("inbox", 1, 0) // un-read on a: no record says so
	out, _, _ := w.frun(t, fsync)
	check(t, "output", out, "inbox: \n2 flags changed b->a.\n2 remain.\n")
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Seen | store.Flagged, store.Seen})
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Seen | store.Flagged, store.Seen})
}

// TestFlagsCopiedAreRecorded: a message copied by a run is recorded with
// the flags it was copied with, so a change made before the next run is
// a change (not lost to a union).
func TestFlagsCopiedAreRecorded(t *testing.T) {
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen|store.Flagged)
	out, _, _ := w.frun(t, fsync)
	check(t, "first", out, "inbox: \n1 copied a->b.\n1 remains.\n")
	w.b.SetFlagsAt("inbox", 0, store.Flagged)
	out, _, _ = w.frun(t, fsync)
	check(t, "second", out, "inbox: \n1 flag changed b->a.\n1 remains.\n")
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Flagged})
}

// TestFlagsDuplicatesFollowKeptCopy: a side's first message with an id
// is the one compared and changed; its later copies are deleted.
func TestFlagsDuplicatesFollowKeptCopy(t *testing.T) {
	w := synced(t, 0, 0)
	w.put(t, w.b, "inbox", "<1@x>", "one again", store.Flagged)
	w.a.SetFlagsAt("inbox", 0, store.Seen)
	out, _, _ := w.frun(t, fsync)
	check(t, "output", out, "inbox: 1 duplicate in b, \n1 flag changed a->b.\n1 remains.\nExpunged 1 mail in store b\n")
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Seen})
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Seen})
}

// TestFlagsDeletedNotSynchronised: \Deleted is never a flag of flags
// sync: a message flagged deleted on one side is not flagged on the other.
func TestFlagsDeletedNotSynchronised(t *testing.T) {
	w := synced(t, store.Seen, store.Seen)
	w.a.SetFlagsAt("inbox", 0, store.Seen|store.Deleted)
	out, _, _ := w.frun(t, Options{FlagSync: true, NoDelete: true})
	check(t, "output", out, "inbox: \n1 remains.\n")
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Seen})
}

// TestFlagsSetFailsKeepsRecord: a side whose SetFlags fails fails the
// run (exit 1) and keeps its old records: the next run makes the change.
func TestFlagsSetFailsKeepsRecord(t *testing.T) {
	w := synced(t, 0, 0)
	w.a.SetFlagsAt("inbox", 0, store.Seen)
	w.b.FailAfter(1, errors.New("disk full"))
	out, errOut, failed := w.frun(t, fsync)
	w.b.FailAfter(0, nil)
	check(t, "output", out, "inbox: \n1 remains.\n")
	check(t, "stderr", errOut, "Error: change flags in inbox (store b): memory: set flags in inbox: disk full\n")
	check(t, "failed", failed, true)
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{0})
	out, _, failed = w.frun(t, fsync)
	check(t, "rerun", out, "inbox: \n1 flag changed a->b.\n1 remains.\n")
	check(t, "rerun failed", failed, false)
	check(t, "b after", flagsOf(w.b, "inbox"), []store.Flags{store.Seen})
}

// noSetter hides a memory store's SetFlags.
type noSetter struct{ *memory.Store }

type plainBox struct{ store.Mailbox }

func (s noSetter) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return plainBox{mb}, nil
}

// TestFlagsWithoutSetter: a mailbox that cannot change flags fails that
// box's flag part with an Error line; the rest of its sync is done.
func TestFlagsWithoutSetter(t *testing.T) {
	w := synced(t, 0, 0)
	w.wrapB = func(st store.Store) store.Store { return noSetter{st.(*memory.Store)} }
	w.a.SetFlagsAt("inbox", 0, store.Seen)
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	out, errOut, failed := w.frun(t, fsync)
	check(t, "output", out, "inbox: \n1 copied a->b.\n2 remain.\n")
	check(t, "stderr", errOut, "Error: change flags in inbox (store b): "+errNoFlagSetter.Error()+"\n")
	check(t, "failed", failed, true)
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{0, 0})
}

// TestFlagsSwitchOff: without the switch no flag is changed, no
// SetFlags is called and the output is 5.2.7's.
func TestFlagsSwitchOff(t *testing.T) {
	w := synced(t, 0, 0)
	w.a.SetFlagsAt("inbox", 0, store.Seen)
	before := w.b.Mutations()
	out, _, _ := w.frun(t, Options{})
	check(t, "output", out, "inbox: \n1 remains.\n")
	check(t, "mutations", w.b.Mutations()-before, 0)
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{0})
}

// TestFlagsSimulateAndLong: -s shows the changes and makes none; -m
// shows a line per message, -M with its id.
func TestFlagsSimulateAndLong(t *testing.T) {
	w := synced(t, 0, store.Seen)
	w.a.SetFlagsAt("inbox", 0, store.Seen|store.Flagged)
	w.b.SetFlagsAt("inbox", 0, store.Answered)
	want := "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n1 remains.\n"
	out, _, _ := w.frun(t, Options{FlagSync: true, Simulate: true})
	check(t, "-s", out, want)
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Seen | store.Flagged})
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Answered})
	out, _, _ = w.frun(t, Options{FlagSync: true, Simulate: true, Long: true, ShowIDs: true})
	id := "<1@x>" + strings.Repeat(" ", 60)
	check(t, "-s -M", out, "\n *** inbox ***\n\n"+
		"  flags      ->  "+fp("one")+id+` +\Flagged`+"\n"+
		"  flags      <-  "+fp("one")+id+` +\Answered -\Seen`+"\n"+
		"\n1 flag changed a->b.\n1 flag changed b->a.\n1 messages remain in inbox\n")
	out, _, _ = w.frun(t, Options{FlagSync: true, Long: true})
	check(t, "-m", out, "\n *** inbox ***\n\n"+
		"  flags      ->  "+fp("one")+` +\Flagged`+"\n"+
		"  flags      <-  "+fp("one")+` +\Answered -\Seen`+"\n"+
		"\n1 flag changed a->b.\n1 flag changed b->a.\n1 messages remain in inbox\n")
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Answered | store.Flagged})
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Answered | store.Flagged})
}
