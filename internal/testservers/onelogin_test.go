package testservers_test

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/testservers"
)

// TestOneLoginForManyFolders: Courier has no UNSELECT; leaving a folder
// by selecting the next one keeps the connection, so a sync of several
// folders logs in once and prints one "Authorizing against" line, as
// 5.2.7 does (issue 17 item 5; before, every folder cost a new login).
func TestOneLoginForManyFolders(t *testing.T) {
	s := testservers.Start(t, testservers.Courier, testservers.Options{Users: []testservers.User{{Name: "one", Password: "secret"}}})
	w := newWorld(t, s, clone(t), "one")
	w.write(".mailsync", config(w))
	w.write(".msinfo", "")
	for _, f := range []string{"INBOX.s.a", "INBOX.s.b", "INBOX.s.c"} {
		w.putServer(f, message(f, f))
	}
	for run := 1; run <= 2; run++ {
		out := w.run("ch")
		if n := strings.Count(out, "Authorizing against"); n != 1 || !strings.Contains(out, "--- exit 0\n") {
			t.Errorf("run %d: %d 'Authorizing against' lines, want 1:\n%s", run, n, out)
		}
	}
}
