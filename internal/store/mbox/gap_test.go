package mbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestExpungeKeepsGap: a file ending without a line end gets one before
// an append (tail.go); the scan of the appended part starts after it, so
// it lies between two messages. An expunge (or a flag rewrite) copies it:
// dropped, the next From_ line would continue the last line and its
// message would vanish into the one before. Also when the message after
// the gap is the one expunged.
func TestExpungeKeepsGap(t *testing.T) {
	const one = "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody one\n\n"
	const four = "From a@b Mon Jan  1 10:00:03 2024\nSubject: four\n\nbody four"
	for _, c := range []struct {
		name string
		drop []int // indexes into Messages: one, four, new1, new2
		want []string
	}{
		{"first dropped", []int{0}, []string{"four", "new1", "new2"}},
		{"message after the gap dropped", []int{2}, []string{"one", "four", "new2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "box")
			os.WriteFile(path, []byte(one+four), 0o600)
			b, err := Open(path, store.ReadWrite, env())
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if _, err := b.Messages(ctx); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"new1", "new2"} {
				m := "Subject: " + s + "\r\n\r\n" + s + "\r\n"
				if err := b.Append(ctx, store.NewMessage{InternalDate: env().Time(), Size: int64(len(m)), Body: strings.NewReader(m)}); err != nil {
					t.Fatal(err)
				}
			}
			ms, err := b.Messages(ctx)
			if err != nil || len(ms) != 4 {
				t.Fatalf("Messages: %d, %v", len(ms), err)
			}
			var keys []uint64
			for _, i := range c.drop {
				keys = append(keys, ms[i].Key)
			}
			b.MarkDeleted(ctx, keys)
			if n, err := b.Expunge(ctx); n != len(keys) || err != nil {
				t.Fatalf("Expunge: %d, %v", n, err)
			}
			b.Close()
			r, err := Open(path, store.ReadOnly, env())
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := r.Messages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var subjects []string
			for _, m := range got {
				subjects = append(subjects, strings.TrimSpace(strings.TrimPrefix(string(m.Header), "Subject:")))
			}
			if strings.Join(subjects, " ") != strings.Join(c.want, " ") {
				data, _ := os.ReadFile(path)
				t.Errorf("messages %q, want %q; file:\n%s", subjects, c.want, data)
			}
		})
	}
}
