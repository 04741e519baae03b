package local

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
)

// TestMaildirPlusNames: Maildir++ folder names are kept on disk as
// Dovecot and Courier keep them, in modified UTF-7 (doc/design/names.md):
// a Dovecot folder .Reisen &ANw-bersicht lists as "Reisen Übersicht" and
// opens under that name; a folder created as "Entwürfe" is written as
// .Entw&APw-rfe; a folder some other program wrote in raw UTF-8 still
// lists and opens under its own name; a name that only decodes to a
// hierarchy character stays as on disk.
func TestMaildirPlusNames(t *testing.T) {
	home := t.TempDir()
	for _, d := range []string{"Maildir", "Maildir/.Reisen &ANw-bersicht", "Maildir/.Roh Ü", "Maildir/.a&AC8-b"} {
		if err := maildir.Create(filepath.Join(home, d), d != "Maildir"); err != nil {
			t.Fatal(err)
		}
	}
	s := New(store.Env{Home: home, User: "joe"})
	ctx := t.Context()
	if err := s.Create(ctx, "Maildir/Entwürfe"); err != nil {
		t.Fatal(err)
	}
	if !maildir.IsMaildir(filepath.Join(home, "Maildir", ".Entw&APw-rfe")) {
		entries, _ := os.ReadDir(filepath.Join(home, "Maildir"))
		t.Fatalf("Entwürfe not created as .Entw&APw-rfe: %v", entries)
	}
	list, err := s.List(ctx, "", "Maildir/%")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	for _, want := range []string{"Maildir/Reisen Übersicht", "Maildir/Roh Ü", "Maildir/Entwürfe", "Maildir/a&AC8-b"} {
		if !slices.Contains(names, want) {
			t.Errorf("List = %q, want it to contain %q", names, want)
		}
		mb, err := s.Open(ctx, want, store.ReadOnly)
		if err != nil {
			t.Errorf("open %q: %v", want, err)
			continue
		}
		mb.Close()
	}
}
