package mbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// bigMbox writes an mbox of n messages of about size bytes each.
func bigMbox(tb testing.TB, n, size int) string {
	tb.Helper()
	var b bytes.Buffer
	body := bytes.Repeat([]byte("0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.\n"), size/68+1)
	for i := range n {
		fmt.Fprintf(&b, "From a@b Mon Jan  1 10:00:00 2024\nMessage-ID: <%d@x>\nSubject: m%d\n\n", i, i)
		b.Write(body)
		b.WriteByte('\n')
	}
	path := filepath.Join(tb.TempDir(), "box")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestFlagRewriteCopiesExactly: the runs a flag rewrite copies between
// changed headers (copy_file_range on Linux) arrive whole and in place:
// the file reads back with every message and the new flags.
func TestFlagRewriteCopiesExactly(t *testing.T) {
	path := bigMbox(t, 300, 20_000)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var changes []store.FlagChange
	for i := 7; i < len(msgs); i += 50 {
		changes = append(changes, store.FlagChange{Key: msgs[i].Key, Add: store.Flagged})
	}
	if err := b.SetFlags(ctx, changes); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Each changed message gains c-client's status lines for a new
	// message flagged: "Status: \n" and "X-Status: F\n"; the rest must
	// be the old bytes.
	stripped := bytes.ReplaceAll(after, []byte("Status: \nX-Status: F\n"), nil)
	if !bytes.Equal(stripped, before) {
		t.Fatalf("the rewrite changed more than the status lines (%d bytes before, %d after)", len(before), len(after))
	}
	r, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.Messages(ctx)
	if err != nil || len(got) != len(msgs) {
		t.Fatalf("%d messages (%v), want %d", len(got), err, len(msgs))
	}
	for i, m := range got {
		if want := (i-7)%50 == 0 && i >= 7; (m.Flags&store.Flagged != 0) != want {
			t.Errorf("message %d: flags %v", i, m.Flags)
		}
	}
}

// BenchmarkFlagRewrite: one flag changed in every 100th message of a
// 50 MB mbox, then Close rewrites the file.
func BenchmarkFlagRewrite(b *testing.B) {
	path := bigMbox(b, 2_500, 20_000)
	flag := store.Seen
	for b.Loop() {
		box, err := Open(path, store.ReadWrite, env())
		if err != nil {
			b.Fatal(err)
		}
		msgs, err := box.Messages(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var changes []store.FlagChange
		for i := 0; i < len(msgs); i += 100 {
			changes = append(changes, store.FlagChange{Key: msgs[i].Key, Add: flag, Remove: store.SyncedFlags &^ flag})
		}
		if err := box.SetFlags(ctx, changes); err != nil {
			b.Fatal(err)
		}
		if err := box.Close(); err != nil {
			b.Fatal(err)
		}
		flag ^= store.Seen | store.Flagged
	}
}
