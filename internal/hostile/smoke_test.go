package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// TestHonestServerBaseline: against a server that does not lie, a sync
// creates the local twins of its folders inside the store and nothing
// else changes (the control for every hostile test of this package).
func TestHonestServerBaseline(t *testing.T) {
	addr := serve(t, imaptest.Options{Folders: []string{"work", "lists"}})
	w := newWorld(t)
	w.config(fmt.Sprintf("store local {\n\tpat Mail/%%\n\tprefix Mail/\n}\n"+
		"store server {\n\tserver {%[1]s/notls/user=sam}\n\tref {%[1]s}\n\tpat %%\n\tpasswd secret\n}\n"+
		"channel ch local server {\n\tmsinfo .msinfo\n}\n", addr))
	before := snapshot(t, w.Root)
	r := w.run("ch")
	if r.Code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	after := snapshot(t, w.Root)
	if d := diff(before, after, under("home/Mail", "home/.msinfo", "home/.cache")); len(d) > 0 {
		t.Errorf("changed outside the store: %q", d)
	}
	for _, box := range []string{"work", "lists"} {
		if _, err := os.Stat(filepath.Join(w.Home, "Mail", box)); err != nil {
			t.Errorf("box %s not created locally: %v", box, err)
		}
	}
	if r.MaxRSS <= 0 || r.MaxRSS > 100<<20 {
		t.Errorf("peak RSS %d bytes", r.MaxRSS)
	}
}
