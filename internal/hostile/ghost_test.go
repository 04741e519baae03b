package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// Answers that were not asked for are ignored (doc/design/trust-memory.md):
// the server adds "* 999 FETCH (UID 7777 ...)" to every FETCH answer, a
// message beyond EXISTS whose UID nobody asked for, with every item asked
// for (flags, date, size, header fields, body).

// TestGhostMessageIgnored: a sync copies the three real messages and no
// ghost, prints what it prints against an honest server (exit 0), and so
// does the next run (header cache and msinfo in use); diff mode does not
// count the ghost either.
func TestGhostMessageIgnored(t *testing.T) {
	addr := serveLying(t, imaptest.GhostFetch)
	w := newWorld(t)
	w.config(channelConfig(addr, ""))
	before := snapshot(t, w.Root)
	for run := range 2 {
		r := w.run("ch")
		if r.Code != 0 || strings.Contains(r.Stdout+r.Stderr, "ghost") {
			t.Errorf("run %d: exit %d\nstdout:\n%s\nstderr:\n%s", run, r.Code, r.Stdout, r.Stderr)
		}
		mbox, err := os.ReadFile(filepath.Join(w.Home, "Mail", "INBOX"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(mbox), "ghost") || strings.Count(string(mbox), "Message-ID: <") != 3 {
			t.Errorf("run %d: local INBOX:\n%s\nwant the three real messages, no ghost", run, mbox)
		}
	}
	if d := diff(before, snapshot(t, w.Root), under("home/Mail", "home/.msinfo", "home/.cache")); len(d) > 0 {
		t.Errorf("changed outside the store: %q", d)
	}
	r := w.run("-m", "ch", "server")
	if r.Code != 0 || strings.Contains(r.Stdout, "boo") || strings.Contains(r.Stdout, "evil") {
		t.Errorf("diff: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
