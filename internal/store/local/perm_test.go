package local_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// The permission tests run with umask 0, so a file's mode is what the
// code asked for. Temporary files are checked through the files they
// become: a Maildir or MH message is the tmp file itself (linked), an
// expunged mbox and a rewritten msinfo are their temp file (renamed).
// None of these tests is parallel: the umask belongs to the process.

func umask0(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
}

// wantMode fails unless path has the permission bits want.
func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", path, got, want)
	}
}

// homeOf is the home directory of a Store made by newHome.
func homeOf(t *testing.T, st *local.Store) string {
	t.Helper()
	p, err := st.Path("~/x")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(p)
}

const permMsg = "From: a@example.org\r\nSubject: perm\r\nMessage-ID: <perm@x>\r\n\r\nbody\r\n"

// appendTo appends one message with flags to the box name.
func appendTo(t *testing.T, st *local.Store, name string, flags store.Flags) {
	t.Helper()
	ctx := context.Background()
	mb, err := st.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	if err := mb.Append(ctx, store.NewMessage{Flags: flags, InternalDate: time.Unix(1700000000, 0), Size: int64(len(permMsg)), Body: strings.NewReader(permMsg)}); err != nil {
		t.Fatal(err)
	}
}

// expungeAll deletes every message of the box name.
func expungeAll(t *testing.T, st *local.Store, name string) {
	t.Helper()
	ctx := context.Background()
	mb, err := st.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	msgs, err := mb.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []uint64
	for _, m := range msgs {
		keys = append(keys, m.Key)
	}
	if err := mb.MarkDeleted(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPermMbox(t *testing.T) {
	umask0(t)
	st := newHome(t)
	home := homeOf(t, st)
	if err := st.Create(context.Background(), "mail/sub/new"); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(home, "mail/sub"), 0o700)
	wantMode(t, filepath.Join(home, "mail/sub/new"), 0o600)
	appendTo(t, st, "mail/sub/new", 0)
	appendTo(t, st, "mail/sub/new", store.Seen)
	wantMode(t, filepath.Join(home, "mail/sub/new"), 0o600)
	expungeAll(t, st, "mail/sub/new") // the temp file replaces the box
	wantMode(t, filepath.Join(home, "mail/sub/new"), 0o600)
	// An expunge keeps the mode the user gave a box: never wider.
	if err := os.Chmod(filepath.Join(home, "mail/sub/new"), 0o640); err != nil {
		t.Fatal(err)
	}
	appendTo(t, st, "mail/sub/new", 0)
	expungeAll(t, st, "mail/sub/new")
	wantMode(t, filepath.Join(home, "mail/sub/new"), 0o640)
	if ents, _ := os.ReadDir(filepath.Join(home, "mail/sub")); len(ents) != 1 {
		t.Errorf("mail/sub holds %d files after the expunges, want the box alone", len(ents))
	}
}

func TestPermMH(t *testing.T) {
	umask0(t)
	st := newHome(t)
	home := homeOf(t, st)
	if err := st.Create(context.Background(), "#mh/new/sub"); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(home, "Mail/new"), 0o700)
	wantMode(t, filepath.Join(home, "Mail/new/sub"), 0o700)
	appendTo(t, st, "#mh/new/sub", 0)
	appendTo(t, st, "#mh/new/sub", store.Seen)
	wantMode(t, filepath.Join(home, "Mail/new/sub/1"), 0o600)
	wantMode(t, filepath.Join(home, "Mail/new/sub/2"), 0o600)
	ents, err := os.ReadDir(filepath.Join(home, "Mail/new/sub"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil && info.Mode().Perm()&0o077 != 0 {
			t.Errorf("Mail/new/sub/%s has mode %#o: readable by others", e.Name(), info.Mode().Perm())
		}
	}
}

func TestPermMaildir(t *testing.T) {
	umask0(t)
	st := newHome(t)
	home := homeOf(t, st)
	ctx := context.Background()
	if err := st.Create(ctx, "#maildir/md/box"); err != nil {
		t.Fatal(err)
	}
	box := filepath.Join(home, "md/box")
	for _, d := range []string{"md", "md/box", "md/box/cur", "md/box/new", "md/box/tmp"} {
		wantMode(t, filepath.Join(home, d), 0o700)
	}
	appendTo(t, st, "#maildir/md/box", 0)          // new/
	appendTo(t, st, "#maildir/md/box", store.Seen) // cur/
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(box, sub))
		if err != nil || len(ents) != 1 {
			t.Fatalf("%s/%s: %d files, %v", box, sub, len(ents), err)
		}
		wantMode(t, filepath.Join(box, sub, ents[0].Name()), 0o600) // the tmp/ file, linked
	}
	if ents, _ := os.ReadDir(filepath.Join(box, "tmp")); len(ents) != 0 {
		t.Errorf("tmp/ holds %d files after the appends", len(ents))
	}
	// A Maildir++ folder below a Maildir root, with its marker file.
	for _, d := range []string{"Maildir/cur", "Maildir/new", "Maildir/tmp"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Create(ctx, "Maildir/work"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{".work", ".work/cur", ".work/new", ".work/tmp"} {
		wantMode(t, filepath.Join(home, "Maildir", d), 0o700)
	}
	wantMode(t, filepath.Join(home, "Maildir/.work/maildirfolder"), 0o600)
}

func TestPermMsinfo(t *testing.T) {
	umask0(t)
	home := t.TempDir()
	path := filepath.Join(home, ".msinfo")
	opt := msinfo.Options{Env: store.Env{Home: home, User: "u", Host: "h"}}
	f, err := msinfo.OpenLocal(path, ".msinfo", opt)
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, path, 0o600)
	wantMode(t, path+".lock", 0o600)
	if err := f.Save(context.Background(), "ch", msinfo.State{"inbox": {"<a@x>"}}); err != nil {
		t.Fatal(err)
	}
	wantMode(t, path, 0o600) // the temp file, renamed
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); err == nil {
		t.Error("the lock is still there after Close")
	}
	ents, err := os.ReadDir(home)
	if err != nil || len(ents) != 1 {
		t.Errorf("the home holds %d files after Save and Close, want the msinfo alone (%v)", len(ents), err)
	}
}
