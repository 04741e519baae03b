package channel

import (
	"bytes"
	"context"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// countingStore counts the Expunge calls of its mailboxes.
type countingStore struct {
	store.Store
	n *int
}

func (s countingStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return countingBox{Mailbox: mb, n: s.n}, nil
}

type countingBox struct {
	store.Mailbox
	n *int
}

func (m countingBox) Expunge(ctx context.Context) (int, error) {
	*m.n++
	return m.Mailbox.Expunge(ctx)
}

// TestExpungeOnlyWhatIsFlagged: a box in which no message is flagged
// \Deleted (none was when it was read, none is being deleted) is not
// expunged, which over IMAP saves a round trip per box; a message flagged
// \Deleted before the run (by a mail client) is still expunged, as 5.2.7
// expunges every box it synchronises.
func TestExpungeOnlyWhatIsFlagged(t *testing.T) {
	a, b := memory.New(), memory.New()
	for _, st := range []*memory.Store{a, b} {
		for _, id := range []string{"<1@x>", "<2@x>"} {
			if err := st.Put("inbox", msg(id, id), 0, jan1); err != nil {
				t.Fatal(err)
			}
		}
	}
	last := msinfo.State{"inbox": {"<1@x>", "<2@x>"}}
	run := func() (int, string) {
		var n int
		var out, errb bytes.Buffer
		r := NewReporter(&out, &errb)
		sa, sb := sidesOf(t, r, countingStore{Store: a, n: &n}, countingStore{Store: b, n: &n})
		e := &Engine{R: r}
		_, res := e.Sync(context.Background(), sa, sb, last)
		r.Flush()
		if res.Failed {
			t.Fatalf("sync failed: %s", errb.String())
		}
		return n, out.String()
	}
	if n, out := run(); n != 0 {
		t.Errorf("%d expunges of a box with nothing flagged \\Deleted\n%s", n, out)
	}
	if err := b.Put("inbox", msg("<3@x>", "trashed by a client"), store.Deleted, jan1); err != nil {
		t.Fatal(err)
	}
	if n, out := run(); n != 1 || !bytes.Contains([]byte(out), []byte("Expunged 1 mail in store b")) {
		t.Errorf("%d expunges of a box holding a message flagged \\Deleted, want 1\n%s", n, out)
	}
}
