package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// TestNULMessageIDSettles: a local message whose Message-ID holds a NUL
// byte is copied to Dovecot, which stores the NUL as 0x80. The second
// run must find the pair in sync (the ids of original and copy agree)
// instead of copying the server's copy back and deleting the original.
func TestNULMessageIDSettles(t *testing.T) {
	s := dovecot.Shared(t, dovecot.Options{})
	w := newWorld(t)
	mbox := "From a@example.org Tue Nov 14 22:13:21 2023\nMessage-ID: <a\x00b@example.org>\nSubject: nul\n\nbody\n\n"
	w.write("home/Mail/nulbox", mbox)
	w.config(fmt.Sprintf("store local {\n\tpat Mail/%%\n\tprefix Mail/\n}\n"+
		"store server {\n\tserver {%[1]s/notls/user=%[2]s}\n\tref {%[1]s}\n\tpat nul%%\n\tpasswd %[3]s\n}\n"+
		"channel ch local server {\n\tmsinfo .msinfo\n}\n", s.Addr(), s.User, s.Password))
	if r := w.run("ch"); r.Code != 0 || !strings.Contains(r.Stdout, "1 copied local->server.") {
		t.Fatalf("first run: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	r := w.run("ch")
	if r.Code != 0 || strings.Contains(r.Stdout, "copied") || strings.Contains(r.Stdout, "deleted") || r.Stderr != "" {
		t.Errorf("second run was not a no-op: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got, err := os.ReadFile(filepath.Join(w.Home, "Mail/nulbox")); err != nil || string(got) != mbox {
		t.Errorf("the local box changed (%v): %q", err, got)
	}
}
