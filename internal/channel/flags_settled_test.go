package channel

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// bookFRun is a flags sync of w with the settled book of dir; it
// returns stdout and whether the box was read (not skipped as settled).
func (w *fworld) bookFRun(t *testing.T, dir string) (string, bool) {
	t.Helper()
	var out bytes.Buffer
	r := NewReporter(&out, &bytes.Buffer{})
	read := false
	e := &Engine{Opt: fsync, R: r, LastFlags: w.flags, LastKeywords: w.keywords, Book: settled.Open(dir, "flags sync channel"),
		trace: func(ev event.Event) {
			if p, ok := ev.(event.Planned); ok && !p.Settled {
				read = true
			}
		}}
	sa, sb := sidesOf(t, r, w.a, w.b)
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	w.last, w.flags, w.keywords = next, res.Flags, res.Keywords
	if err := e.Book.Save(); err != nil {
		t.Fatal(err)
	}
	return out.String(), read
}

// TestFlagsSettled: a box settled under flags sync is skipped while
// nothing changes and carries its records forward; a flag change on one
// side makes it read again, and a box with a flag change is not settled.
func TestFlagsSettled(t *testing.T) {
	w := newFWorld()
	dir := t.TempDir()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.b, "inbox", "<2@x>", "two", 0)
	w.bookFRun(t, dir) // copies: not settled
	if _, read := w.bookFRun(t, dir); !read {
		t.Fatal("the box was settled by a run that copied")
	}
	records := w.flags["inbox"]
	out, read := w.bookFRun(t, dir)
	if read {
		t.Fatal("a settled box without changes was read")
	}
	check(t, "settled output", out, "inbox: \n2 remain.\n")
	if !reflect.DeepEqual(w.flags["inbox"], records) || len(records) != 2 {
		t.Fatalf("records after a settled run %v, want %v", w.flags["inbox"], records)
	}
	w.b.SetFlagsAt("inbox", 1, store.Flagged) // b's copy of <1@x>
	out, read = w.bookFRun(t, dir)
	check(t, "read again", read, true)
	check(t, "output", out, "inbox: \n1 flag changed b->a.\n2 remain.\n")
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Flagged, 0})
	// Only a was changed: the next run reads a, finds the recorded
	// flags and counts the box as settled.
	if out, read := w.bookFRun(t, dir); read {
		t.Fatal("the box changed on one side by the last run was not settled")
	} else {
		check(t, "settled after the change", out, "inbox: \n2 remain.\n")
	}
	if _, read := w.bookFRun(t, dir); read {
		t.Fatal("the box did not stay settled")
	}
	if got, _ := flagstate.Flags(w.flags["inbox"][0]); got != store.Flagged {
		t.Errorf("record of <1@x> %02x, want \\Flagged", got)
	}
}

// TestFlagsDiff: diff mode counts (and with -m lists) the messages
// whose flags changed on the store since the last sync, and changes
// nothing.
func TestFlagsDiff(t *testing.T) {
	w := synced(t, store.Seen, store.Seen)
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	w.frun(t, fsync)
	w.a.SetFlagsAt("inbox", 0, store.Flagged)
	diff := func(opt Options) string {
		var out bytes.Buffer
		r := NewReporter(&out, &out)
		e := &Engine{Opt: opt, R: r, LastFlags: w.flags}
		sa, _ := sidesOf(t, r, w.a, w.b)
		if e.Diff(context.Background(), sa, sa.Cfg, w.last).Failed {
			t.Error("diff failed")
		}
		r.Flush()
		return out.String()
	}
	check(t, "diff", diff(fsync), "inbox: 1 flag changed, 2 currently at store a.\n")
	check(t, "diff -m", diff(Options{FlagSync: true, Long: true}),
		"\n *** inbox ***\n\n  flags          "+fp("one")+` +\Flagged -\Seen`+"\n1 flag changed, 2 currently at store a.\n")
	check(t, "diff, switch off", diff(Options{}), "inbox: 2 currently at store a.\n")
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Seen, 0})
}

// TestFlagsConcurrent: boxes synchronised at once change the same flags,
// print the same and return the same records as one after the other.
func TestFlagsConcurrent(t *testing.T) {
	run := func(workers int) (string, flagstate.Records, []store.Flags) {
		w := newFWorld()
		for _, box := range []string{"a1", "b2", "c3", "d4"} {
			w.put(t, w.a, box, "<1"+box+"@x>", "one", store.Seen)
			w.put(t, w.b, box, "<2"+box+"@x>", "two", 0)
		}
		w.frun(t, fsync)
		for _, box := range []string{"a1", "c3"} {
			w.a.SetFlagsAt(box, 1, store.Flagged)
			w.b.SetFlagsAt(box, 1, 0)
		}
		var out bytes.Buffer
		r := NewReporter(&out, &out)
		e := &Engine{Opt: fsync, R: r, LastFlags: w.flags, Workers: workers}
		sa, sb := sidesOf(t, r, w.a, w.b)
		_, res := e.Sync(context.Background(), sa, sb, w.last)
		r.Flush()
		return out.String(), res.Flags, append(flagsOf(w.a, "c3"), flagsOf(w.b, "c3")...)
	}
	out1, recs1, f1 := run(1)
	out4, recs4, f4 := run(4)
	check(t, "output", out4, out1)
	check(t, "flags", f4, f1)
	if !reflect.DeepEqual(recs1, recs4) || len(recs1) != 4 {
		t.Errorf("records %v, one after the other %v", recs4, recs1)
	}
	check(t, "c3", f1, []store.Flags{0, store.Flagged, store.Flagged, 0})
}

// TestFlagsSettledChangedSideFlagged: after a run that changed flags on
// one side, the read that checks that side compares each message's flags
// with its record: a flag changed there since is synchronised.
func TestFlagsSettledChangedSideFlagged(t *testing.T) {
	w := newFWorld()
	dir := t.TempDir()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.bookFRun(t, dir)
	w.bookFRun(t, dir)
	w.b.SetFlagsAt("inbox", 0, store.Flagged)
	out, _ := w.bookFRun(t, dir) // changes a only
	check(t, "output", out, "inbox: \n1 flag changed b->a.\n1 remains.\n")
	w.a.SetFlagsAt("inbox", 0, store.Flagged|store.Seen)
	out, read := w.bookFRun(t, dir)
	check(t, "read again", read, true)
	check(t, "output", out, "inbox: \n1 flag changed a->b.\n1 remains.\n")
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Flagged | store.Seen})
}
