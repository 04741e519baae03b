package mh

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestSignatureFollowsSeen: \Seen lives in a message file's access time,
// which changes neither the folder's times nor the sequence file's. The
// signature still moves when a message is read by another program
// (c-client advances the access time), when SetFlags sets or clears
// \Seen, and when it changes a sequence; a session that changes nothing
// leaves it as it was.
func TestSignatureFollowsSeen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	date := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, n := range []string{"1", "2"} {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte("Subject: "+n+"\n\nbody\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, date, date); err != nil {
			t.Fatal(err)
		}
	}
	later := func() time.Time { return time.Now().Add(time.Hour) }
	sig := func() []byte {
		t.Helper()
		s, ok := Signature(dir, later())
		if !ok {
			t.Fatal("no signature")
		}
		return s
	}
	setFlags := func(c store.FlagChange) {
		t.Helper()
		f, err := Open(dir, store.ReadWrite, store.Env{Now: later})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetFlags(ctx, []store.FlagChange{c}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		what   string
		change func()
		moves  bool
	}{
		{"another program reads message 1", func() {
			if err := os.Chtimes(filepath.Join(dir, "1"), date.Add(time.Minute), date); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"SetFlags -\\Seen on message 1", func() { setFlags(store.FlagChange{Key: 1, Remove: store.Seen}) }, true},
		{"SetFlags +\\Seen on message 2", func() { setFlags(store.FlagChange{Key: 2, Add: store.Seen}) }, true},
		{"SetFlags +\\Seen on message 2 again", func() { setFlags(store.FlagChange{Key: 2, Add: store.Seen}) }, false},
		{"SetFlags +\\Flagged on message 1", func() { setFlags(store.FlagChange{Key: 1, Add: store.Flagged}) }, true},
	}
	for _, s := range steps {
		before := sig()
		s.change()
		if after := sig(); bytes.Equal(after, before) == s.moves {
			t.Errorf("%s: signature moved %v, want %v", s.what, !s.moves, s.moves)
		}
	}
}

// BenchmarkSignature: the signature of a folder of 10,000 messages (one
// stat per message for the seen digest).
func BenchmarkSignature(b *testing.B) {
	dir := b.TempDir()
	date := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	for n := 1; n <= 10000; n++ {
		p := filepath.Join(dir, strconv.Itoa(n))
		if err := os.WriteFile(p, []byte("Subject: x\n\nbody\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.Chtimes(p, date, date); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().Add(time.Hour)
	for b.Loop() {
		if _, ok := Signature(dir, now); !ok {
			b.Fatal("no signature")
		}
	}
}
