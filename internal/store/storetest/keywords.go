package storetest

import (
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// testKeywords checks keywords ("flags sync", doc/design/flags.md,
// "Keywords"). A backend that keeps them (Harness.KeepsKeywords) says
// so on its read-write mailboxes (store.KeywordKeeper), and the keywords
// SetFlags adds and removes read back in the session and after
// reopening, without regard to case, with the flags changed in the same
// call and nothing else of a message changed. A backend that does not
// gives every message no keywords, so the engine never takes it for a
// side that removed them.
func (s *suite) testKeywords(t *testing.T) {
	e := s.fresh(t)
	e.seed(t, "kw", [][]byte{fixture(0), fixture(1), fixture(2)}, []store.Flags{0, store.Seen, 0})
	mb := e.open(t, "kw", store.ReadWrite)
	defer func() {
		if mb != nil {
			closeBox(t, mb)
		}
	}()
	if !s.h.KeepsKeywords {
		if store.KeepsKeywords(mb) {
			t.Errorf("%T keeps keywords; the harness says it does not", mb)
		}
		for i, m := range messages(t, mb) {
			if m.Keywords != "" {
				t.Errorf("message %d: keywords %q from a mailbox that keeps none", i, m.Keywords)
			}
		}
		return
	}
	if !store.KeepsKeywords(mb) {
		t.Fatalf("%T keeps no keywords; the harness says it does", mb)
	}
	msgs := messages(t, mb)
	fs := mb.(store.FlagSetter)
	first := []store.FlagChange{
		{Key: msgs[0].Key, AddKeywords: store.KeywordsOf("$Junk", "work")},
		{Key: msgs[1].Key, Add: store.Flagged, AddKeywords: "ToDo"},
		{Key: msgs[2].Key, AddKeywords: store.KeywordsOf("$Label1", "work")},
	}
	if err := fs.SetFlags(t.Context(), first); err != nil {
		t.Fatalf("SetFlags (keywords added): %v", err)
	}
	then := []store.FlagChange{
		{Key: msgs[0].Key, RemoveKeywords: "WORK"}, // another spelling: the same keyword
		{Key: msgs[2].Key, Add: store.Seen, RemoveKeywords: "$Label1", AddKeywords: "later"},
	}
	if err := fs.SetFlags(t.Context(), then); err != nil {
		t.Fatalf("SetFlags (keywords removed): %v", err)
	}
	want := []struct {
		flags    store.Flags
		keywords store.Keywords
	}{
		{0, "$Junk"},
		{store.Seen | store.Flagged, "ToDo"},
		{store.Seen, store.KeywordsOf("later", "work")},
	}
	verify := func(what string, got []store.Message) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d messages, want %d", what, len(got), len(want))
		}
		for i, m := range got {
			if k := m.Keywords; k.Minus(want[i].keywords) != "" || want[i].keywords.Minus(k) != "" {
				t.Errorf("%s: message %d keywords %q, want %q", what, i, k, want[i].keywords)
			}
			if f := m.Flags & store.SyncedFlags; f != want[i].flags&^s.h.DropsFlags {
				t.Errorf("%s: message %d flags %s, want %s", what, i, flagString(f), flagString(want[i].flags))
			}
		}
	}
	verify("same session", messages(t, mb))
	closeBox(t, mb)
	mb = nil
	again := e.open(t, "kw", store.ReadOnly)
	defer closeBox(t, again)
	verify("reopened", messages(t, again))
}
