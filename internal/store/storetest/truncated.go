package storetest

import (
	"bytes"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// testTruncatedBody: an Append whose body ends before Size bytes (a source
// connection that broke mid-message) is an error and stores nothing; the
// mailbox still holds exactly what it held.
func (s *suite) testTruncatedBody(t *testing.T) {
	e := s.fresh(t)
	e.seed(t, "box", [][]byte{fixture(0)}, []store.Flags{store.Seen})
	before := e.snapshotBox(t, "box", store.ReadOnly)
	mb := e.open(t, "box", store.ReadWrite)
	raw := fixture(1)
	err := mb.Append(t.Context(), store.NewMessage{
		Size: int64(len(raw)), Body: bytes.NewReader(raw[:len(raw)/2]),
	})
	if err == nil {
		t.Errorf("Append of a body shorter than Size succeeded")
	}
	closeBox(t, mb)
	s.sameSnaps(t, "after a truncated Append", before, e.snapshotBox(t, "box", store.ReadOnly), s.h.KeepsRecent)
}
