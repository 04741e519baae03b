package storetest

import (
	"bytes"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// testSetFlags checks store.FlagSetter ("flags sync", doc/design/flags.md),
// which every backend implements: the flags it sets and clears read back
// in the session and after reopening, nothing else of a message changes
// (bytes, size, date, \Deleted, order), it mixes with deletions in one
// session, a read-only box refuses it, and a signature moves with it.
func (s *suite) testSetFlags(t *testing.T) {
	start := []store.Flags{0, store.Flagged, store.Seen | store.Flagged, store.Answered, store.Seen}
	changes := []store.FlagChange{
		{Add: store.Seen},
		{Remove: store.Flagged},
		{Add: store.Answered | store.Draft, Remove: store.Seen | store.Flagged},
		{}, // a message left alone
		{Add: store.SyncedFlags, Remove: 0},
	}
	want := func(i int) store.Flags {
		return (start[i] | changes[i].Add) &^ changes[i].Remove
	}
	seed := func(t *testing.T) (env, []snap) {
		e := s.fresh(t)
		var raws [][]byte
		for i := range start {
			raws = append(raws, fixture(i))
		}
		e.seed(t, "flags", raws, start)
		return e, e.snapshotBox(t, "flags", store.ReadOnly)
	}
	setFlags := func(t *testing.T, mb store.Mailbox, cs []store.FlagChange) {
		t.Helper()
		fs, ok := mb.(store.FlagSetter)
		if !ok {
			t.Fatalf("%T does not implement store.FlagSetter", mb)
		}
		msgs := messages(t, mb)
		var keyed []store.FlagChange
		for i, c := range cs {
			if c.Add|c.Remove == 0 {
				continue
			}
			c.Key = msgs[i].Key
			keyed = append(keyed, c)
		}
		if err := fs.SetFlags(t.Context(), keyed); err != nil {
			t.Fatalf("SetFlags: %v", err)
		}
	}
	check := func(t *testing.T, what string, before []snap, got []snap, skip map[int]bool) {
		t.Helper()
		var after []snap
		for i := range before {
			if !skip[i] {
				after = append(after, before[i])
			}
		}
		if len(got) != len(after) {
			t.Fatalf("%s: %d messages, want %d", what, len(got), len(after))
		}
		j := 0
		for i := range before {
			if skip[i] {
				continue
			}
			g := got[j]
			j++
			if !bytes.Equal(g.body, before[i].body) || g.size != before[i].size || !g.date.Equal(before[i].date) {
				t.Errorf("%s: message %d changed beyond its flags", what, i)
			}
			if gf, wf := g.flags&store.CopiedFlags, want(i); gf != wf {
				t.Errorf("%s: message %d flags %s, want %s", what, i, flagString(gf), flagString(wf))
			}
		}
	}

	t.Run("ReadBack", func(t *testing.T) {
		e, before := seed(t)
		mb := e.open(t, "flags", store.ReadWrite)
		setFlags(t, mb, changes)
		check(t, "same session", before, snapshot(t, mb), nil)
		closeBox(t, mb)
		check(t, "reopened", before, e.snapshotBox(t, "flags", store.ReadOnly), nil)
	})
	t.Run("WithExpunge", func(t *testing.T) {
		// Flags set and a message deleted in one session: mbox writes
		// both in one rewrite.
		e, before := seed(t)
		mb := e.open(t, "flags", store.ReadWrite)
		setFlags(t, mb, changes)
		if err := mb.MarkDeleted(t.Context(), []uint64{messages(t, mb)[3].Key}); err != nil {
			t.Fatal(err)
		}
		if n, err := mb.Expunge(t.Context()); err != nil || n != 1 {
			t.Fatalf("Expunge: %d, %v; want 1", n, err)
		}
		closeBox(t, mb)
		check(t, "reopened", before, e.snapshotBox(t, "flags", store.ReadOnly), map[int]bool{3: true})
	})
	t.Run("Twice", func(t *testing.T) {
		// Two sessions, each changing: the second starts from the first's.
		e, before := seed(t)
		for range 2 {
			mb := e.open(t, "flags", store.ReadWrite)
			setFlags(t, mb, changes)
			closeBox(t, mb)
		}
		check(t, "reopened", before, e.snapshotBox(t, "flags", store.ReadOnly), nil)
	})
	t.Run("ReadOnly", func(t *testing.T) {
		e, before := seed(t)
		mb := e.open(t, "flags", store.ReadOnly)
		fs, ok := mb.(store.FlagSetter)
		if !ok {
			t.Fatalf("%T does not implement store.FlagSetter", mb)
		}
		err := fs.SetFlags(t.Context(), []store.FlagChange{{Key: messages(t, mb)[0].Key, Add: store.Seen}})
		wantErr(t, "SetFlags on a read-only box", err, store.ErrReadOnly)
		closeBox(t, mb)
		s.sameSnaps(t, "after a refused SetFlags", before, e.snapshotBox(t, "flags", store.ReadOnly), false)
	})
	t.Run("Signature", func(t *testing.T) {
		e, _ := seed(t)
		signer, ok := e.st.(store.Signer)
		if !ok {
			t.Skip("the store gives no signatures")
		}
		s.settle()
		old, ok := signer.Signature(t.Context(), e.name("flags"))
		if !ok {
			t.Skip("the store gives no signature for this box")
		}
		mb := e.open(t, "flags", store.ReadWrite)
		setFlags(t, mb, []store.FlagChange{{Add: store.Seen}})
		closeBox(t, mb)
		s.settle()
		now, ok := signer.Signature(t.Context(), e.name("flags"))
		if ok && bytes.Equal(now, old) {
			t.Error("a flag change left the signature as it was")
		}
	})
}
