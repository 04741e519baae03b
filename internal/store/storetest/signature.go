package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// testSignature checks store.Signer, for a store that implements it: a
// box's signature, when the store gives one, stays while nothing changes
// (reading, opening read-write) and changes with every append, flag
// change and expunge, in the session or another one.
func (s *suite) testSignature(t *testing.T) {
	e := s.fresh(t)
	signer, ok := e.st.(store.Signer)
	if !ok {
		t.Skip("the store gives no signatures")
	}
	e.seed(t, "box", [][]byte{fixture(0), fixture(1)}, []store.Flags{0, store.Seen})
	if _, ok := signer.Signature(t.Context(), e.name("missing")); ok {
		t.Error("a missing box has a signature")
	}
	sig := func(what string) []byte {
		t.Helper()
		s.settle()
		b, ok := signer.Signature(t.Context(), e.name("box"))
		if !ok {
			t.Fatalf("%s: no signature", what)
		}
		return b
	}
	s.settle()
	if _, ok := signer.Signature(t.Context(), e.name("box")); !ok {
		t.Skip("the store gives no signature for this box (an IMAP server without CONDSTORE)")
	}
	before := sig("seeded")
	mb := e.open(t, "box", store.ReadWrite)
	messages(t, mb)
	fetch(t, mb, messages(t, mb)[0].Key)
	closeBox(t, mb)
	if now := sig("read"); !bytes.Equal(now, before) {
		t.Fatalf("reading the box changed its signature")
	}
	// Each change reports whether it changed the box for good: a
	// \Deleted mark that a store drops at Close (MH) changes nothing.
	changes := []struct {
		what   string
		change func(store.Mailbox) bool
	}{
		{"append", func(mb store.Mailbox) bool {
			appendRaw(t, mb, fixture(2), store.Flagged, fixtureDate(2))
			return true
		}},
		{"mark deleted", func(mb store.Mailbox) bool {
			if err := mb.MarkDeleted(t.Context(), []uint64{messages(t, mb)[0].Key}); err != nil {
				t.Fatal(err)
			}
			return false // known once reopened
		}},
		{"expunge", func(mb store.Mailbox) bool {
			n, err := mb.Expunge(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		}},
	}
	for _, c := range changes {
		mb := e.open(t, "box", store.ReadWrite)
		messages(t, mb)
		changed := c.change(mb)
		closeBox(t, mb)
		if c.what == "mark deleted" {
			changed = e.snapshotBox(t, "box", store.ReadOnly)[0].flags&store.Deleted != 0
		}
		now := sig(c.what)
		if changed && bytes.Equal(now, before) {
			t.Errorf("%s left the signature as it was", c.what)
		}
		if !changed && !bytes.Equal(now, before) {
			t.Errorf("%s changed nothing but the signature", c.what)
		}
		before = now
	}
}

// settle waits until a change just made shows in signatures
// (Harness.SignatureTick).
func (s *suite) settle() {
	if s.h.SignatureTick > 0 {
		time.Sleep(s.h.SignatureTick)
	}
}
