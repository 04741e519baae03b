package open

import (
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestFlagStatePath: beside a local msinfo (relative to $HOME or
// absolute); under ~/.mailsync.d/flags/ for one on a server, one file per
// msinfo name.
func TestFlagStatePath(t *testing.T) {
	env := store.Env{Home: "/home/u"}
	for _, c := range []struct{ name, want string }{
		{".msinfo", "/home/u/.msinfo.flags"},
		{"/var/ms/state", "/var/ms/state.flags"},
		{"~/mail/.msinfo", "/home/u/mail/.msinfo.flags"},
	} {
		got, err := FlagStatePath(c.name, env)
		if err != nil || got != c.want {
			t.Errorf("FlagStatePath(%q) = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	a, err := FlagStatePath("{imap.example.org/user=u}msinfo", env)
	if err != nil || filepath.Dir(a) != "/home/u/.mailsync.d/flags" {
		t.Errorf("server msinfo: %q, %v", a, err)
	}
	b, _ := FlagStatePath("{imap.example.org/user=u}other", env)
	if a == b {
		t.Errorf("two server msinfos share %q", a)
	}
}
