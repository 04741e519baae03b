package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
)

// TestCreateFinishesUnfinishedMaildir: a box a killed run began to create
// as a Maildir (Maildir++ folder or nested child) is finished by Create,
// not taken for an existing box; in an mbox store an empty directory
// stays an existing directory.
func TestCreateFinishesUnfinishedMaildir(t *testing.T) {
	ctx := context.Background()
	mk := func(t *testing.T, dirs ...string) {
		t.Helper()
		for _, d := range dirs {
			if err := os.MkdirAll(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("maildir++", func(t *testing.T) {
		home := t.TempDir()
		root := filepath.Join(home, "Maildir")
		mk(t, root+"/cur", root+"/new", root+"/tmp", root+"/.done/cur", root+"/.done/new", root+"/.done/tmp", root+"/.half/tmp")
		if err := New(store.Env{Home: home}).Create(ctx, "Maildir/half"); err != nil {
			t.Fatal(err)
		}
		if !maildir.IsMaildir(root + "/.half") {
			t.Error("Maildir/.half is no Maildir")
		}
	})
	t.Run("nested", func(t *testing.T) {
		home := t.TempDir()
		root := filepath.Join(home, "Maildir")
		mk(t, root+"/cur", root+"/new", root+"/tmp", root+"/done/cur", root+"/done/new", root+"/done/tmp", root+"/half")
		if err := New(store.Env{Home: home}).Create(ctx, "Maildir/half"); err != nil {
			t.Fatal(err)
		}
		if !maildir.IsMaildir(root + "/half") {
			t.Error("Maildir/half is no Maildir")
		}
	})
	t.Run("mbox directory", func(t *testing.T) {
		home := t.TempDir()
		mk(t, home+"/mail/half")
		err := New(store.Env{Home: home}).Create(ctx, "mail/half")
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("Create = %v, want ErrExists", err)
		}
		if maildir.IsMaildir(home + "/mail/half") {
			t.Error("an empty directory of an mbox store became a Maildir")
		}
	})
}
