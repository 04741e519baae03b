package maildir

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// BenchmarkMessagesCached lists a Maildir of 10,000 messages whose
// header cache knows them all, as a sync reads a box again: the
// directory read, the names parsed and sorted, the cache decoded.
func BenchmarkMessagesCached(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "box")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 10000 {
		msg := fmt.Sprintf("From: a%d@example.org\r\nSubject: message %d\r\nMessage-ID: <%d@example.org>\r\n\r\nbody\r\n", i, i, i)
		name := fmt.Sprintf("%d.M%dP%d.host,S=%d,W=%d:2,%s", 1672650000+i, i%1000000, 4000+i, len(msg), len(msg), []string{"", "S", "FS", "RS"}[i%4])
		if err := os.WriteFile(filepath.Join(dir, "cur", name), []byte(msg), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	env := testEnv
	env.CacheDir = filepath.Join(b.TempDir(), "cache")
	list := func() {
		mb, err := Open(dir, store.ReadWrite, env)
		if err != nil {
			b.Fatal(err)
		}
		msgs, err := mb.Messages(context.Background())
		if err != nil || len(msgs) != 10000 {
			b.Fatalf("%d messages (%v)", len(msgs), err)
		}
		mb.Close()
	}
	list() // fills the cache
	b.ReportAllocs()
	for b.Loop() {
		list()
	}
}
