package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

func TestPath(t *testing.T) {
	home := t.TempDir()
	s := New(store.Env{Home: home, User: "joe"})
	cases := []struct{ name, want string }{
		{"mail/inbox", home + "/mail/inbox"},
		{"~/mail/inbox", home + "/mail/inbox"},
		{"~", home},
		{".msinfo", home + "/.msinfo"},
		{"/tmp/foo", "/tmp/foo"},
		{"mail/../x", home + "/x"},
		{"mail/", home + "/mail"},
		{"INBOX", "/var/mail/joe"},
		{"inbox", "/var/mail/joe"},
		{"~root/x", "/root/x"},
	}
	for _, c := range cases {
		got, err := s.Path(c.name)
		if err != nil || got != c.want {
			t.Errorf("Path(%q) = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	// Without ~/.mh_profile MH names do not resolve.
	for _, name := range []string{"#mh/inbox", "#mhinbox", "#news.x", "{host}INBOX", ""} {
		if _, err := s.Path(name); !errors.Is(err, store.ErrNoMailbox) {
			t.Errorf("Path(%q) error = %v, want ErrNoMailbox", name, err)
		}
	}
	// INBOX is ~/mbox once that exists.
	if err := os.WriteFile(filepath.Join(home, "mbox"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Path("Inbox"); got != home+"/mbox" {
		t.Errorf("Path(Inbox) = %q with ~/mbox present", got)
	}
}

func TestPathMH(t *testing.T) {
	cases := []struct {
		profile, name, want string
	}{
		{"Path: Mail\n", "#mh/inbox", "H/Mail/inbox"},
		{"Path: Mail\n", "#MH/work/sub", "H/Mail/work/sub"},
		{"Path: Mail\n", "#mhinbox", "H/Mail/inbox"},
		{"Path: Mail\n", "#MHINBOX", "H/Mail/inbox"},
		{"Editor: vi\r\npath:\t Post\n", "#mh/x", "H/Post/x"},
		{"Path: /var/mh\n", "#mh/x", "/var/mh/x"},
		{"Path:Mail\n", "#mh/x", "H/Mail/x"}, // no blank after "Path:": default root
		{"", "#mh/x", "H/Mail/x"},
	}
	for _, c := range cases {
		home := t.TempDir()
		if err := os.WriteFile(filepath.Join(home, ".mh_profile"), []byte(c.profile), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := New(store.Env{Home: home}).Path(c.name)
		want := c.want
		if want[0] == 'H' {
			want = home + want[1:]
		}
		if err != nil || got != want {
			t.Errorf("profile %q: Path(%q) = %q, %v; want %q", c.profile, c.name, got, err, want)
		}
	}
}

func TestOpenCreateDelete(t *testing.T) {
	ctx := context.Background()
	home := makeTree(t)
	s := New(store.Env{Home: home, User: "joe", Host: "h"})
	if err := os.WriteFile(filepath.Join(home, "mail/inbox"), []byte("From a@b Mon Jan  1 10:00:00 2024\nSubject: x\n\nbody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		openErr error // nil: opens
	}{
		{"mail/inbox", nil},
		{"mail/dir", store.ErrNotMailbox},
		{"mail/nothing", store.ErrNoMailbox},
		{"mail/inbox/x", store.ErrNoMailbox},
		{"#mh/inbox", nil},
		{"#mhinbox", nil},
		{"Mail/work", nil}, // below the MH root: an MH folder
		{"#mh/nothing", store.ErrNoMailbox},
	}
	for _, c := range cases {
		mb, err := s.Open(ctx, c.name, store.ReadOnly)
		if c.openErr == nil {
			if err != nil {
				t.Errorf("Open(%q): %v", c.name, err)
				continue
			}
			if _, err := mb.Messages(ctx); err != nil {
				t.Errorf("Open(%q).Messages: %v", c.name, err)
			}
			mb.Close()
		} else if !errors.Is(err, c.openErr) {
			t.Errorf("Open(%q) error = %v, want %v", c.name, err, c.openErr)
		}
	}
	for _, name := range []string{"mail/inbox", "mail/dir", "#mh/work", "INBOX", "mail/"} {
		if err := s.Create(ctx, name); err == nil {
			t.Errorf("Create(%q) over an existing name succeeded", name)
		}
	}
	if err := s.Create(ctx, "#mh/new/12"); err == nil {
		t.Errorf("Create of an all-digit MH name succeeded")
	}
	for _, c := range []struct{ name, path string }{
		{"deep/er/box", "deep/er/box"},
		{"#mh/new/sub", "Mail/new/sub"},
		{"newdir/", "newdir"},
	} {
		if err := s.Create(ctx, c.name); err != nil {
			t.Fatalf("Create(%q): %v", c.name, err)
		}
		fi, err := os.Stat(filepath.Join(home, c.path))
		if err != nil {
			t.Fatalf("Create(%q) made nothing: %v", c.name, err)
		}
		if dir := filepath.Dir(filepath.Join(home, c.path)); dir != home {
			if pfi, _ := os.Stat(dir); pfi.Mode().Perm() != 0o700 {
				t.Errorf("Create(%q): parent mode %v", c.name, pfi.Mode())
			}
		}
		if err := s.Delete(ctx, c.name); err != nil {
			t.Errorf("Delete(%q): %v", c.name, err)
		}
		if _, err := os.Stat(filepath.Join(home, c.path)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Delete(%q) left %v (dir %v)", c.name, err, fi.IsDir())
		}
	}
	if err := s.Delete(ctx, "mail/nothing"); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Delete of a missing box: %v", err)
	}
	if err := s.Delete(ctx, "INBOX"); err == nil {
		t.Errorf("Delete(INBOX) succeeded")
	}
	// A symbolic link to an mbox opens as that mbox.
	if err := os.Symlink(filepath.Join(home, "mail/inbox"), filepath.Join(home, "link")); err != nil {
		t.Fatal(err)
	}
	mb, err := s.Open(ctx, "link", store.ReadOnly)
	if err != nil {
		t.Fatalf("Open(link): %v", err)
	}
	mb.Close()
}
