package storetest

import (
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

var flagCases = []store.Flags{
	0,
	store.Seen,
	store.Answered,
	store.Flagged,
	store.Draft,
	store.Deleted,
	store.Seen | store.Flagged,
	store.CopiedFlags,
}

// testFlags checks that the CopiedFlags given to Append come back (those
// the store keeps), in the same session and after reopening.
func (s *suite) testFlags(t *testing.T) {
	e := s.fresh(t)
	e.create(t, "flags")
	mb := e.open(t, "flags", store.ReadWrite)
	for i, f := range flagCases {
		appendRaw(t, mb, fixture(i), f, fixtureDate(i))
	}
	check := func(t *testing.T, mb store.Mailbox) {
		msgs := messages(t, mb)
		if len(msgs) != len(flagCases) {
			t.Fatalf("%d messages, want %d", len(msgs), len(flagCases))
		}
		for i, f := range flagCases {
			got, want := s.cmpFlags(msgs[i].Flags, false), s.cmpFlags(f, false)
			if got != want {
				t.Errorf("appended with %s: flags %s, want %s", flagString(f), flagString(msgs[i].Flags), flagString(want))
			}
		}
	}
	t.Run("SameSession", func(t *testing.T) { check(t, mb) })
	closeBox(t, mb)
	t.Run("Reopened", func(t *testing.T) {
		mb := e.open(t, "flags", store.ReadOnly)
		defer closeBox(t, mb)
		check(t, mb)
	})
}

func (s *suite) testFetch(t *testing.T) {
	t.Run("DoesNotSetSeen", func(t *testing.T) {
		e := s.fresh(t)
		e.seed(t, "unseen", [][]byte{fixture(0), fixture(1)}, []store.Flags{0, store.Flagged &^ s.h.DropsFlags})
		before := e.snapshotBox(t, "unseen", store.ReadOnly)
		mb := e.open(t, "unseen", store.ReadWrite)
		for _, m := range messages(t, mb) {
			fetch(t, mb, m.Key)
		}
		for i, m := range messages(t, mb) {
			if m.Flags != before[i].flags {
				t.Errorf("message %d: flags %s after Fetch, were %s", i, flagString(m.Flags), flagString(before[i].flags))
			}
		}
		closeBox(t, mb)
		after := e.snapshotBox(t, "unseen", store.ReadOnly)
		s.sameSnaps(t, "after Fetch", before, after, s.h.KeepsRecent)
		if after[0].flags&store.Seen != 0 {
			t.Errorf("message fetched while unseen is now %s", flagString(after[0].flags))
		}
	})
	t.Run("UnknownKeyIsError", func(t *testing.T) {
		e := s.fresh(t)
		e.seed(t, "one", [][]byte{fixture(0)}, []store.Flags{0})
		mb := e.open(t, "one", store.ReadOnly)
		defer closeBox(t, mb)
		msgs := messages(t, mb)
		bad := msgs[0].Key + 1000
		if rc, err := mb.Fetch(t.Context(), bad); err == nil {
			rc.Close()
			t.Errorf("Fetch(%d) of a mailbox whose only key is %d succeeded", bad, msgs[0].Key)
		}
	})
}
