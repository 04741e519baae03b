package storetest

import (
	"bytes"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// testExpunge checks MarkDeleted, Expunge's count, and that survivors keep
// their bytes, flags, order and keys.
func (s *suite) testExpunge(t *testing.T) {
	t.Run("MarkedInSession", func(t *testing.T) {
		e := s.fresh(t)
		raws := [][]byte{fixture(0), fixture(1), fixture(2), fixture(3), fixture(4), fixture(5)}
		flags := []store.Flags{store.Seen, 0, store.Flagged, store.Seen | store.Answered, 0, store.Draft}
		e.seed(t, "box", raws, flags)
		mb := e.open(t, "box", store.ReadWrite)
		before := snapshot(t, mb)
		msgs := messages(t, mb)
		if err := mb.MarkDeleted(t.Context(), []uint64{msgs[1].Key, msgs[4].Key}); err != nil {
			t.Fatalf("MarkDeleted: %v", err)
		}
		for i, m := range messages(t, mb) {
			if marked := i == 1 || i == 4; marked != (m.Flags&store.Deleted != 0) {
				t.Errorf("after MarkDeleted, message %d has flags %s", i, flagString(m.Flags))
			}
		}
		n, err := mb.Expunge(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("Expunge = %d, %v; want 2, nil", n, err)
		}
		keep := []int{0, 2, 3, 5}
		var want []snap
		for _, i := range keep {
			want = append(want, before[i])
			if got := fetch(t, mb, msgs[i].Key); !bytes.Equal(got, before[i].body) {
				t.Errorf("after Expunge, Fetch with the old key of message %d = %q, want %q", i, got, before[i].body)
			}
		}
		s.sameSnaps(t, "survivors, same session", want, snapshot(t, mb), s.h.KeepsRecent)
		if n, err := mb.Expunge(t.Context()); err != nil || n != 0 {
			t.Errorf("second Expunge = %d, %v; want 0, nil", n, err)
		}
		closeBox(t, mb)
		s.sameSnaps(t, "survivors, reopened", want, e.snapshotBox(t, "box", store.ReadOnly), s.h.KeepsRecent)
	})
	t.Run("NothingDeleted", func(t *testing.T) {
		e := s.fresh(t)
		e.seed(t, "box", [][]byte{fixture(0), fixture(1)}, []store.Flags{0, store.Seen})
		before := e.snapshotBox(t, "box", store.ReadOnly)
		mb := e.open(t, "box", store.ReadWrite)
		if n, err := mb.Expunge(t.Context()); err != nil || n != 0 {
			t.Errorf("Expunge = %d, %v; want 0, nil", n, err)
		}
		closeBox(t, mb)
		s.sameSnaps(t, "after empty Expunge", before, e.snapshotBox(t, "box", store.ReadOnly), s.h.KeepsRecent)
	})
	t.Run("DeletedBeforeSession", func(t *testing.T) {
		if !s.keeps(store.Deleted) {
			t.Skip(`Harness.DropsFlags: the store keeps no \Deleted`)
		}
		e := s.fresh(t)
		e.seed(t, "box", [][]byte{fixture(0), fixture(1), fixture(2)}, []store.Flags{store.Deleted, store.Seen, store.Deleted | store.Seen})
		before := e.snapshotBox(t, "box", store.ReadOnly)
		mb := e.open(t, "box", store.ReadWrite)
		n, err := mb.Expunge(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("Expunge = %d, %v; want 2, nil", n, err)
		}
		closeBox(t, mb)
		s.sameSnaps(t, "survivor", before[1:2], e.snapshotBox(t, "box", store.ReadOnly), s.h.KeepsRecent)
	})
}

// seedMixed fills rel with messages of varied flags (new, seen, flagged,
// deleted as far as the store keeps them).
func (s *suite) seedMixed(t *testing.T, e env, rel string) {
	t.Helper()
	raws := [][]byte{fixture(0), fixture(1), fixture(2), wire(wireCases[1].lf)}
	flags := []store.Flags{0, store.Seen, store.Flagged | store.Answered, store.Deleted | store.Seen}
	for i := range flags {
		flags[i] &^= s.h.DropsFlags
	}
	e.seed(t, rel, raws, flags)
}

// testReadOnly checks that a ReadOnly mailbox refuses every change with
// ErrReadOnly and that reading it changes nothing, \Recent included.
func (s *suite) testReadOnly(t *testing.T) {
	e := s.fresh(t)
	s.seedMixed(t, e, "ro")
	before := e.snapshotBox(t, "ro", store.ReadOnly)
	mb := e.open(t, "ro", store.ReadOnly)
	msgs := messages(t, mb)
	for _, m := range msgs {
		fetch(t, mb, m.Key)
	}
	raw := fixture(9)
	err := mb.Append(t.Context(), store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw), InternalDate: fixtureDate(9)})
	wantErr(t, "Append", err, store.ErrReadOnly)
	wantErr(t, "MarkDeleted", mb.MarkDeleted(t.Context(), []uint64{msgs[0].Key}), store.ErrReadOnly)
	_, err = mb.Expunge(t.Context())
	wantErr(t, "Expunge", err, store.ErrReadOnly)
	s.sameSnaps(t, "same session", before, snapshot(t, mb), true)
	closeBox(t, mb)
	s.sameSnaps(t, "reopened", before, e.snapshotBox(t, "ro", store.ReadOnly), true)
}

// testReadWriteOpen checks that opening read-write, reading everything and
// closing changes nothing.
func (s *suite) testReadWriteOpen(t *testing.T) {
	e := s.fresh(t)
	s.seedMixed(t, e, "rw")
	before := e.snapshotBox(t, "rw", store.ReadOnly)
	e.snapshotBox(t, "rw", store.ReadWrite)
	s.sameSnaps(t, "after a read-write session", before, e.snapshotBox(t, "rw", store.ReadOnly), s.h.KeepsRecent)
}

// testReopen checks that what a session appended and marked is what the
// next session sees.
func (s *suite) testReopen(t *testing.T) {
	e := s.fresh(t)
	s.seedMixed(t, e, "re")
	mb := e.open(t, "re", store.ReadWrite)
	appendRaw(t, mb, fixture(7), store.Seen, fixtureDate(7))
	inSession := snapshot(t, mb)
	closeBox(t, mb)
	s.sameSnaps(t, "reopened read-write", inSession, e.snapshotBox(t, "re", store.ReadWrite), s.h.KeepsRecent)
	s.sameSnaps(t, "reopened read-only", inSession, e.snapshotBox(t, "re", store.ReadOnly), s.h.KeepsRecent)
}
