package storetest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// testMany appends Harness.Many messages and checks count and order in
// the same session and after reopening, and the bytes of a sample.
func (s *suite) testMany(t *testing.T) {
	e := s.fresh(t)
	e.create(t, "many")
	mb := e.open(t, "many", store.ReadWrite)
	for i := range s.h.Many {
		appendRaw(t, mb, fixture(i), store.Seen, fixtureDate(i))
	}
	check := func(t *testing.T, mb store.Mailbox) {
		msgs := messages(t, mb)
		if len(msgs) != s.h.Many {
			t.Fatalf("%d messages, want %d", len(msgs), s.h.Many)
		}
		for i, m := range msgs {
			if subj := fmt.Sprintf("\nSubject: message %04d\n", i); !strings.Contains(strings.ReplaceAll(string(m.Header), "\r\n", "\n"), subj) {
				t.Fatalf("message %d out of order; Header %q", i, m.Header)
			}
			if i%97 == 0 || i == len(msgs)-1 {
				if got := fetch(t, mb, m.Key); !bytes.Equal(got, fixture(i)) {
					t.Errorf("message %d: Fetch = %q, want %q", i, got, fixture(i))
				}
			}
		}
	}
	t.Run("SameSession", func(t *testing.T) { check(t, mb) })
	closeBox(t, mb)
	t.Run("Reopened", func(t *testing.T) {
		mb := e.open(t, "many", store.ReadOnly)
		defer closeBox(t, mb)
		check(t, mb)
	})
}
