package maildir

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestListingManyFiles: a listing that reads its files in parallel
// reports each message as one read alone does, in mailbox order, and the
// same again from the header cache.
func TestListingManyFiles(t *testing.T) {
	dir := newMaildir(t)
	const n = 3 * minParallelReads
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		body := fmt.Sprintf("Message-ID: <%d@x>\nSubject: s%d\n\n%s", i, i, strings.Repeat("line\n", i))
		put(t, filepath.Join(dir, "cur", fmt.Sprintf("%d.M1P1Q%d.h:2,S", 1700000000+i, i)), body, t0.Add(time.Duration(i)*time.Minute))
	}
	env := store.Env{CacheDir: t.TempDir()}
	var first []store.Message
	for run := range 2 {
		b, err := Open(dir, store.ReadWrite, env)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := b.Messages(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != n {
			t.Fatalf("run %d: %d messages, want %d", run, len(msgs), n)
		}
		for i, m := range msgs {
			alone, err := readMessage(b.path(b.files[m.Key]), b.files[m.Key])
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("Message-ID: <%d@x>\n", i)
			if !strings.HasPrefix(string(m.Header), want) || m.Size != alone.Size || !m.InternalDate.Equal(alone.InternalDate) {
				t.Fatalf("run %d, message %d: %q size %d date %v; read alone: size %d date %v",
					run, i, m.Header, m.Size, m.InternalDate, alone.Size, alone.InternalDate)
			}
		}
		if run == 0 {
			first = msgs
		} else {
			for i := range msgs {
				if msgs[i].Key != first[i].Key || msgs[i].Size != first[i].Size {
					t.Errorf("message %d differs between the runs", i)
				}
			}
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
