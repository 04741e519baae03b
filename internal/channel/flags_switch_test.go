package channel

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// removeAt deletes the i-th message of box, as a mail client would.
func removeAt(t *testing.T, st *memory.Store, box string, i int) {
	t.Helper()
	ctx := context.Background()
	mb, err := st.Open(ctx, box, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	msgs, err := mb.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.MarkDeleted(ctx, []uint64{msgs[i].Key}); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
}

// protoRun is one run of w as cmd/mailsync makes it around the engine
// (doc/design/flags.md, "Commit order", "Switching off and on"): the
// records read from the flag state file at path for the msinfo state,
// and after the run, with flags sync, the file written before and after
// the msinfo; with flags off, the channel's records dropped.
func (w *fworld) protoRun(t *testing.T, path string, on bool) string {
	t.Helper()
	w.last = msinfo.Parse(msinfo.Body(w.last, false), false, nil) // as read from the msinfo
	opt := Options{FlagSync: on}
	if !on {
		out, _, _ := w.frun(t, opt)
		if err := flagstate.Forget(path, "ch"); err != nil {
			t.Fatal(err)
		}
		return out
	}
	old := flagstate.Generation{Digest: flagstate.DigestOf(w.last, false), State: w.last}
	w.flags = flagstate.Load(path, "ch", old.Digest, w.last)
	old.Records = w.flags
	out, _, _ := w.frun(t, opt)
	next := flagstate.Generation{Digest: flagstate.DigestOf(w.last, false), State: w.last, Records: w.flags}
	if err := flagstate.Save(path, "ch", next, old); err != nil {
		t.Fatal(err)
	}
	if err := flagstate.Save(path, "ch", next); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFlagsOffThenOn: runs with flags off in between leave no record
// that could flip a flag back when the switch is on again, also when a
// message was deleted and copied again meanwhile, so that the msinfo
// holds the same ids as when the records were written.
func TestFlagsOffThenOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".msinfo.flags")
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.a, "inbox", "<2@x>", "two", store.Seen)
	w.protoRun(t, path, true)
	w.protoRun(t, path, true)
	// Off: <2@x> goes from both sides and comes back unread on a; a
	// run copies it to b, unread. The msinfo is as before.
	removeAt(t, w.a, "inbox", 1)
	removeAt(t, w.b, "inbox", 1)
	w.protoRun(t, path, false)
	w.put(t, w.a, "inbox", "<2@x>", "two", 0)
	w.protoRun(t, path, false)
	// Off: the user un-reads <1@x> on a, then reads <2@x> on a.
	w.a.SetFlagsAt("inbox", 0, 0)
	w.a.SetFlagsAt("inbox", 1, store.Seen)
	out := w.protoRun(t, path, true)
	// No record: the union. <2@x> stays read on a (a stale record
	// would un-read it); <1@x> is read again on a (the union never
	// clears), not un-read on b.
	check(t, "output", out, "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n2 remain.\n")
	check(t, "a", flagsOf(w.a, "inbox"), []store.Flags{store.Seen, store.Seen})
	check(t, "b", flagsOf(w.b, "inbox"), []store.Flags{store.Seen, store.Seen})
}
