package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
)

// makeMaildirTree builds a home directory with a Maildir++ root ~/Maildir
// (folders Sent, Trash, work/proj; metadata files; a dot directory that is
// no Maildir), a nested layout below the plain directory ~/Mail (inbox
// with a child, lists/golang, an mbox file notes) and an mbox ~/mail/inbox.
func makeMaildirTree(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	for _, d := range []string{"Maildir", "Maildir/.Sent", "Maildir/.Trash", "Maildir/.work.proj",
		"Mail/inbox", "Mail/inbox/child", "Mail/lists/golang"} {
		if err := maildir.Create(filepath.Join(home, d), strings.Contains(d, "/.")); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"Maildir/.notmd", "Maildir/courierimapkeywords"} {
		if err := os.Mkdir(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for f, c := range map[string]string{
		"Maildir/dovecot-uidlist": "x\n", "Maildir/subscriptions": "Sent\n", "Mail/notes": "",
		"Maildir/cur/1.M1P1.h:2,S": "Subject: x\n\nx\n", "mail/inbox": "",
	} {
		p := filepath.Join(home, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func TestListMaildir(t *testing.T) {
	home := makeMaildirTree(t)
	s := New(store.Env{Home: home, User: "joe"})
	cases := []struct {
		ref, pat string
		want     []string
	}{
		{"", "%", []string{"INBOX, no inferiors (nil)", "Mail, no select", "Maildir", "mail, no select"}},
		{"", "Maildir", []string{"Maildir"}},
		{"", "Maildir/%", []string{"Maildir/, no select", "Maildir/Sent", "Maildir/Trash", "Maildir/work, no select"}},
		{"", "Maildir/*", []string{"Maildir/, no select", "Maildir/Sent", "Maildir/Trash", "Maildir/work, no select", "Maildir/work/proj"}},
		{"", "Maildir/work/%", []string{"Maildir/work/, no select", "Maildir/work/proj"}},
		{"Maildir/work/", "%", []string{"Maildir/work/, no select", "Maildir/work/proj"}},
		{"", "Maildir/%/%", []string{"Maildir/Sent/, no select", "Maildir/Trash/, no select", "Maildir/work/, no select", "Maildir/work/proj"}},
		{"", "Maildir/S%", []string{"Maildir/Sent"}},
		{"", "Maildir/Sent", []string{"Maildir/Sent"}},
		{"", "Maildir/work/proj/%", []string{"Maildir/work/proj/, no select"}},
		{"", "Maildir/cur/%", nil},
		{"", "Maildir/new", nil},
		{"", "Mail/inbox/tmp/*", nil},
		{"", "Maildir/nothing/%", nil},
		{"", "Mail/%", []string{"Mail/, no select", "Mail/inbox", "Mail/lists, no select", "Mail/notes, no inferiors"}},
		{"", "Mail/*", []string{"Mail/, no select", "Mail/inbox", "Mail/inbox/child", "Mail/lists, no select",
			"Mail/lists/golang", "Mail/notes, no inferiors"}},
		{"", "Mail/inbox/%", []string{"Mail/inbox/, no select", "Mail/inbox/child"}},
		{"", "#maildir/Mail/*", []string{"#maildir/Mail/, no select", "#maildir/Mail/inbox", "#maildir/Mail/inbox/child",
			"#maildir/Mail/lists, no select", "#maildir/Mail/lists/golang"}},
		{"", "#MailDir/Maildir/%", []string{"#MailDir/Maildir/, no select", "#MailDir/Maildir/Sent",
			"#MailDir/Maildir/Trash", "#MailDir/Maildir/work, no select"}},
		{"#maildir/", "%", []string{"#maildir/Mail, no select", "#maildir/Maildir", "#maildir/mail, no select"}},
	}
	ctx := context.Background()
	for _, c := range cases {
		got, err := s.List(ctx, c.ref, c.pat)
		if err != nil {
			t.Errorf("List(%q, %q): %v", c.ref, c.pat, err)
			continue
		}
		if g, w := strings.Join(show(got), "|"), strings.Join(c.want, "|"); g != w {
			t.Errorf("List(%q, %q)\n got %s\nwant %s", c.ref, c.pat, g, w)
		}
	}
	// Nothing of a Maildir's own is ever listed.
	all, err := s.List(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		base := filepath.Base(strings.TrimSuffix(e.Name, "/"))
		if maildir.IsInternal(base) && base != ".notmd" || strings.Contains(e.Name, "dovecot") || strings.Contains(e.Name, "subscriptions") {
			t.Errorf("List(*) shows %q", e.Name)
		}
	}
}

func TestListMaildirBelowMHRoot(t *testing.T) {
	home := makeMaildirTree(t)
	if err := os.WriteFile(filepath.Join(home, ".mh_profile"), []byte("Path: Mail\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := New(store.Env{Home: home, User: "joe"})
	got, err := s.List(context.Background(), "", "Mail/*")
	if err != nil {
		t.Fatal(err)
	}
	want := "Mail/, no select|Mail/inbox|Mail/inbox/child|Mail/lists|Mail/lists/golang|Mail/notes, no inferiors"
	if g := strings.Join(show(got), "|"); g != want {
		t.Errorf("Mail/* below the MH root\n got %s\nwant %s", g, want)
	}
	mb, err := s.Open(context.Background(), "Mail/inbox", store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	if _, ok := mb.(*maildir.Box); !ok {
		t.Errorf("Mail/inbox opened as %T", mb)
	}
}

func TestOpenMaildir(t *testing.T) {
	home := makeMaildirTree(t)
	s := New(store.Env{Home: home, User: "joe"})
	ctx := context.Background()
	cases := []struct {
		name string
		want error // nil: opens as Maildir
	}{
		{"Maildir", nil},
		{"~/Maildir", nil},
		{home + "/Maildir/Sent", nil},
		{"Maildir/work/proj", nil},
		{"Mail/inbox/child", nil},
		{"#maildir/Mail/inbox", nil},
		{"#maildir/Maildir/Trash", nil},
		{"Maildir/work", store.ErrNotMailbox},
		{"Mail/lists", store.ErrNotMailbox},
		{"#maildir/Mail/notes", store.ErrNotMailbox},
		{"#maildir/mail/inbox", store.ErrNotMailbox},
		{"Maildir/nothing", store.ErrNoMailbox},
		{"Maildir/notmd", store.ErrNoMailbox},
		{"Maildir/Sent.x", store.ErrNoMailbox},
		{"Maildir/cur", store.ErrNotMailbox},
	}
	for _, c := range cases {
		mb, err := s.Open(ctx, c.name, store.ReadOnly)
		if c.want != nil {
			if !errors.Is(err, c.want) {
				t.Errorf("Open(%q) error = %v, want %v", c.name, err, c.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("Open(%q): %v", c.name, err)
			continue
		}
		if _, ok := mb.(*maildir.Box); !ok {
			t.Errorf("Open(%q) = %T", c.name, mb)
		}
		mb.Close()
	}
	// INBOX keeps c-client's path (~/mbox here) and opens it as a Maildir
	// when it is one.
	if err := maildir.Create(filepath.Join(home, "mbox"), false); err != nil {
		t.Fatal(err)
	}
	mb, err := s.Open(ctx, "INBOX", store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := mb.(*maildir.Box); !ok {
		t.Errorf("INBOX opened as %T", mb)
	}
	mb.Close()
}

func TestCreateFormatRule(t *testing.T) {
	home := makeMaildirTree(t)
	s := New(store.Env{Home: home, User: "joe", Host: "h"})
	ctx := context.Background()
	isFile := func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
	isPlainDir := func(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() && !maildir.IsMaildir(p) }
	cases := []struct {
		name  string
		check func(h string) bool
	}{
		// 4. mbox: beside mbox files.
		{"mail/newbox", func(h string) bool { return isFile(h + "/mail/newbox") }},
		// 1. below a Maildir++ root: sub-folders.
		{"Maildir/fresh/sub", func(h string) bool {
			return maildir.IsMaildir(h+"/Maildir/.fresh.sub") && isFile(h+"/Maildir/.fresh.sub/maildirfolder")
		}},
		{"#maildir/Maildir/x", func(h string) bool { return maildir.IsMaildir(h + "/Maildir/.x") }},
		// 1. below a Maildir with nested children only: nested.
		{"Mail/inbox/y", func(h string) bool { return maildir.IsMaildir(h + "/Mail/inbox/y") }},
		// 2. beside Maildirs: nested, parents plain.
		{"Mail/lists/rust", func(h string) bool { return maildir.IsMaildir(h + "/Mail/lists/rust") }},
		{"Mail/new/deep", func(h string) bool {
			return maildir.IsMaildir(h+"/Mail/new/deep") && isPlainDir(h+"/Mail/new")
		}},
		// 3. #maildir names.
		{"#maildir/mail/md", func(h string) bool { return maildir.IsMaildir(h + "/mail/md") }},
		{"#maildir/fresh/a/b", func(h string) bool { return maildir.IsMaildir(h+"/fresh/a/b") && isPlainDir(h+"/fresh/a") }},
		// 2. again: mail/ now holds the Maildir md.
		{"mail/newbox2", func(h string) bool { return maildir.IsMaildir(h + "/mail/newbox2") }},
		// 4. mbox: at the top of home (which holds Maildirs), in a new
		// directory.
		{"topbox", func(h string) bool { return isFile(h + "/topbox") }},
		{"other/box", func(h string) bool { return isFile(h + "/other/box") }},
	}
	for _, c := range cases {
		if err := s.Create(ctx, c.name); err != nil {
			t.Errorf("Create(%q): %v", c.name, err)
			continue
		}
		if !c.check(home) {
			t.Errorf("Create(%q) made the wrong thing", c.name)
		}
		mb, err := s.Open(ctx, c.name, store.ReadWrite)
		if err != nil {
			t.Errorf("Open(%q) after Create: %v", c.name, err)
			continue
		}
		mb.Close()
	}
	for _, name := range []string{"Maildir/work", "Maildir/Sent", "Mail/inbox", "Mail/lists", "Maildir/fresh"} {
		if err := s.Create(ctx, name); !errors.Is(err, store.ErrExists) {
			t.Errorf("Create(%q) = %v, want ErrExists", name, err)
		}
	}
	for _, name := range []string{"Maildir/a.b", "Maildir/new/x", "Maildir/cur", "#maildir/Mail/inbox/tmp/x"} {
		if err := s.Create(ctx, name); err == nil || errors.Is(err, store.ErrExists) {
			t.Errorf("Create(%q) = %v, want an invalid-name error", name, err)
		}
	}
	got, err := s.List(ctx, "", "Maildir/fresh/%")
	if err != nil || strings.Join(show(got), "|") != "Maildir/fresh/, no select|Maildir/fresh/sub" {
		t.Errorf("List(Maildir/fresh/%%) = %v, %v", show(got), err)
	}
}

func TestDeleteMaildir(t *testing.T) {
	home := makeMaildirTree(t)
	s := New(store.Env{Home: home, User: "joe"})
	ctx := context.Background()
	// A Maildir++ root and an implied parent are refused, unchanged.
	for _, name := range []string{"Maildir", "Maildir/work"} {
		if err := s.Delete(ctx, name); err == nil {
			t.Errorf("Delete(%q) succeeded", name)
		}
	}
	if !maildir.IsMaildir(home+"/Maildir") || !maildir.IsMaildir(home+"/Maildir/.work.proj") {
		t.Fatalf("a refused Delete changed the tree")
	}
	for _, name := range []string{"Maildir/Sent", "Maildir/work/proj"} {
		if err := s.Delete(ctx, name); err != nil {
			t.Fatalf("Delete(%q): %v", name, err)
		}
		if _, err := s.Open(ctx, name, store.ReadOnly); !errors.Is(err, store.ErrNoMailbox) {
			t.Errorf("Open(%q) after Delete: %v", name, err)
		}
		if err := s.Delete(ctx, name); !errors.Is(err, store.ErrNoMailbox) {
			t.Errorf("second Delete(%q): %v", name, err)
		}
	}
	// A nested Maildir with a child becomes a plain directory.
	if err := s.Delete(ctx, "Mail/inbox"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, "Mail/inbox", store.ReadOnly); !errors.Is(err, store.ErrNotMailbox) {
		t.Errorf("Open(Mail/inbox) after Delete: %v", err)
	}
	mb, err := s.Open(ctx, "Mail/inbox/child", store.ReadOnly)
	if err != nil {
		t.Fatalf("child after Delete of its parent: %v", err)
	}
	mb.Close()
	// The root, now without sub-folders, can go.
	if err := s.Delete(ctx, "Maildir/Trash"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "Maildir"); err != nil {
		t.Errorf("Delete(Maildir) without sub-folders: %v", err)
	}
}

func TestPathMaildirNS(t *testing.T) {
	home := t.TempDir()
	s := New(store.Env{Home: home, User: "joe"})
	for name, want := range map[string]string{
		"#maildir/mail/x":  home + "/mail/x",
		"#MailDir/~/x/":    home + "/x",
		"#maildir//abs/x":  "/abs/x",
		"#maildir/../y":    filepath.Dir(home) + "/y",
		"#maildir/INBOX":   home + "/INBOX",
		"#maildir/#mh/box": home + "/#mh/box",
	} {
		if got, err := s.Path(name); err != nil || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"#maildir/", "#maildir", "#maildirx/y"} {
		if _, err := s.Path(name); !errors.Is(err, store.ErrNoMailbox) {
			t.Errorf("Path(%q) error = %v, want ErrNoMailbox", name, err)
		}
	}
}
