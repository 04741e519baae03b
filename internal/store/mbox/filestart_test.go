package mbox

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestFileStart checks c-client's test of a file's beginning
// (unix_isvalid_fd), as 5.2.7 showed it: blank space before the first
// From_ line must end with a LF, and that line must end within the first
// 1023 bytes; later From_ lines may be of any length.
func TestFileStart(t *testing.T) {
	from := func(n int) string { // a From_ line of n bytes, LF included
		const tail = " Mon Jan  1 10:00:00 2024\n"
		return "From " + strings.Repeat("x", n-5-len(tail)) + tail
	}
	const rest = "Subject: s\n\nbody\n\n"
	for _, tc := range []struct {
		name, data string
		ok         bool
	}{
		{"space before", " " + from(60) + rest, false},
		{"CR last before", "\n\r" + from(60) + rest, false},
		{"tab line before", "\n\t\n" + from(60) + rest, true},
		{"first line of 1023 bytes", from(1023) + rest, true},
		{"first line of 1024 bytes", from(1024) + rest, false},
		{"blank lines push it past 1023", strings.Repeat("\n", 10) + from(1014) + rest, false},
		{"blank lines, within 1023", strings.Repeat("\n", 10) + from(1013) + rest, true},
		{"long second line", from(60) + rest + from(5000) + rest, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "box")
			os.WriteFile(path, []byte(tc.data), 0o600)
			if is, err := IsMbox(path); is != tc.ok || err != nil {
				t.Errorf("IsMbox %v, %v; want %v", is, err, tc.ok)
			}
			b, err := Open(path, store.ReadOnly, env())
			if err == nil {
				_, err = b.Messages(ctx)
				b.Close()
			}
			if tc.ok && err != nil || !tc.ok && !errors.Is(err, store.ErrNotMailbox) {
				t.Errorf("open and list: %v, want ok %v", err, tc.ok)
			}
			if _, err := parseBytes([]byte(tc.data), path); (err == nil) != tc.ok {
				t.Errorf("parseBytes: %v, want ok %v", err, tc.ok)
			}
		})
	}
}
