package maildir

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	gomaildir "github.com/emersion/go-maildir"

	"github.com/mailsync/mailsync/internal/store"
)

var testEnv = store.Env{Home: "/nonexistent", User: "u", Host: "host.example",
	Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }}

// newMaildir creates an empty Maildir and returns its path.
func newMaildir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "box")
	if err := Create(dir, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

func put(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// files lists "sub/name" of every entry of new/, cur/ and tmp/.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"cur", "new", "tmp"} {
		des, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range des {
			out = append(out, sub+"/"+d.Name())
		}
	}
	sort.Strings(out)
	return out
}

func fetchAll(t *testing.T, b *Box, key uint64) string {
	t.Helper()
	rc, err := b.Fetch(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestMessagesForeignFiles(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	t1 := time.Date(2023, 5, 5, 12, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	// Delivery order: 1600000000.M9 < 1600000000.M10 < 1600000001 < 1700000000.
	put(t, filepath.Join(dir, "cur", "1700000000.M1P1.h:2,SF"), "Subject: d\n\nbody\n", t1)
	put(t, filepath.Join(dir, "new", "1600000000.M10P1.h"), "Subject: b\r\n\r\nx\r\n", t2)
	put(t, filepath.Join(dir, "cur", "1600000000.M9P1.h:2,RTDPa"), "Subject: a\n", t1)
	put(t, filepath.Join(dir, "cur", "1600000001.123.h:2,"), "Subject: c\n\nbody", t1)
	put(t, filepath.Join(dir, "cur", ".hidden:2,S"), "x", t1)
	put(t, filepath.Join(dir, "tmp", "1500000000.M1P1.h"), "tmp\n", t1)
	if err := os.Mkdir(filepath.Join(dir, "cur", "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir, store.ReadOnly, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	msgs, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		subj  string
		size  int64
		flags store.Flags
		date  time.Time
		body  string
	}{
		{"a", 12, store.Answered | store.Deleted | store.Draft, t1, "Subject: a\r\n"},
		{"b", 17, store.Recent, t2, "Subject: b\r\n\r\nx\r\n"},
		{"c", 18, 0, t1, "Subject: c\r\n\r\nbody"},
		{"d", 20, store.Seen | store.Flagged, t1, "Subject: d\r\n\r\nbody\r\n"},
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d: %+v", len(msgs), len(want), msgs)
	}
	for i, w := range want {
		m := msgs[i]
		if !strings.HasPrefix(string(m.Header), "Subject: "+w.subj) || !strings.HasSuffix(strings.ReplaceAll(string(m.Header), "\r", ""), "\n\n") {
			t.Errorf("message %d: header %q, want subject %s", i, m.Header, w.subj)
		}
		if m.Size != w.size || m.Flags != w.flags || !m.InternalDate.Equal(w.date) {
			t.Errorf("message %d: size %d flags %v date %v; want %d %v %v", i, m.Size, m.Flags, m.InternalDate, w.size, w.flags, w.date)
		}
		if got := fetchAll(t, b, m.Key); got != w.body {
			t.Errorf("message %d: Fetch = %q, want %q", i, got, w.body)
		}
	}
	// Another program moves b from new/ to cur/ and marks it seen: the key
	// still fetches it.
	if err := os.Rename(filepath.Join(dir, "new", "1600000000.M10P1.h"), filepath.Join(dir, "cur", "1600000000.M10P1.h:2,S")); err != nil {
		t.Fatal(err)
	}
	if got := fetchAll(t, b, msgs[1].Key); got != want[1].body {
		t.Errorf("Fetch after a rename = %q", got)
	}
	again, err := b.Messages(ctx)
	if err != nil || len(again) != 4 || again[1].Key != msgs[1].Key || again[1].Flags != store.Seen {
		t.Errorf("Messages after a rename = %+v, %v", again, err)
	}
	if _, err := b.Fetch(ctx, 99); err == nil {
		t.Errorf("Fetch of an unknown key succeeded")
	}
}

func TestSizeFromName(t *testing.T) {
	dir := newMaildir(t)
	now := time.Now()
	// S= matches the file: W= is the size and only the header is read.
	put(t, filepath.Join(dir, "cur", "1.M1P1.h,S=14,W=99:2,S"), "A: 1\n\nbody\nxx\n", now)
	// S= does not match: the file is counted.
	put(t, filepath.Join(dir, "cur", "2.M1P1.h,S=3,W=99:2,S"), "A: 1\n\nbody\n", now)
	b, err := Open(dir, store.ReadOnly, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := b.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].Size != 99 || msgs[1].Size != 14 {
		t.Errorf("sizes %d, %d; want 99, 14", msgs[0].Size, msgs[1].Size)
	}
}

func TestAppendMarkExpunge(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	// A message of another program, already trashed, with a delivery time
	// in the future: appended messages still sort after it.
	future := time.Now().Add(48 * time.Hour).Unix()
	old := filepath.Join(dir, "cur", itoa(future)+".M5P1.h:2,ST")
	put(t, old, "Subject: old\n\nx\n", time.Now())
	b, err := Open(dir, store.ReadWrite, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2024, 1, 1, 10, 0, 0, 700_000_000, time.UTC)
	bodies := []string{"Subject: one\r\n\r\nbody\r\n", "Subject: two\r\n\r\nbare\rCR\r\n\r\nend"}
	for i, f := range []store.Flags{0, store.Seen | store.Flagged | store.Recent} {
		if err := b.Append(ctx, store.NewMessage{Flags: f, InternalDate: d1, Size: int64(len(bodies[i])), Body: strings.NewReader(bodies[i])}); err != nil {
			t.Fatal(err)
		}
	}
	// The deliveries move into new/ and cur/ once their data is durable,
	// at the latest when the Box is used again (delivery.go).
	b.finish()
	fs := files(t, dir)
	seenName, newName := find(fs, ":2,FS"), find(fs, "new/")
	if len(fs) != 3 || seenName == "" || !strings.HasPrefix(seenName, "cur/") || newName == "" {
		t.Fatalf("files after append: %q", fs)
	}
	host := ".host.example,S="
	if !strings.Contains(seenName, host) || !strings.Contains(newName, host) || strings.Contains(newName, ":") {
		t.Errorf("names lack the host and size fields or have info in new/: %q", fs)
	}
	data, _ := os.ReadFile(filepath.Join(dir, newName))
	if string(data) != "Subject: one\n\nbody\n" {
		t.Errorf("stored %q", data)
	}
	fi, _ := os.Stat(filepath.Join(dir, newName))
	if !fi.ModTime().Equal(d1.Truncate(time.Second)) || fi.Mode().Perm() != 0o600 {
		t.Errorf("mtime %v mode %v", fi.ModTime(), fi.Mode())
	}
	msgs, err := b.Messages(ctx)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("Messages = %d, %v", len(msgs), err)
	}
	if msgs[1].Flags != store.Recent || msgs[2].Flags != store.Seen|store.Flagged || msgs[0].Flags != store.Seen|store.Deleted {
		t.Errorf("flags %v %v %v", msgs[0].Flags, msgs[1].Flags, msgs[2].Flags)
	}
	for i, body := range bodies {
		if got := fetchAll(t, b, msgs[i+1].Key); got != body || msgs[i+1].Size != int64(len(body)) {
			t.Errorf("appended %d: Fetch %q size %d, want %q", i, got, msgs[i+1].Size, body)
		}
	}
	if err := b.Append(ctx, store.NewMessage{Size: 5, Body: strings.NewReader("abc")}); err == nil {
		t.Errorf("short body accepted")
	}
	if got := files(t, dir); len(got) != 3 {
		t.Errorf("failed append left %q", got)
	}
	// Mark the new message deleted: it moves to cur/ with T.
	if err := b.MarkDeleted(ctx, []uint64{msgs[1].Key}); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkDeleted(ctx, []uint64{12345}); err == nil {
		t.Errorf("MarkDeleted of an unknown key succeeded")
	}
	// A message removed by another program since it was listed is skipped.
	if err := os.Remove(old); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkDeleted(ctx, []uint64{msgs[0].Key}); err != nil {
		t.Errorf("MarkDeleted of a vanished message: %v", err)
	}
	fs = files(t, dir)
	if len(fs) != 2 || find(fs, "new/") != "" || find(fs, ":2,T") == "" {
		t.Errorf("files after MarkDeleted: %q", fs)
	}
	n, err := b.Expunge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Expunge = %d, %v; want 1", n, err)
	}
	if fs = files(t, dir); len(fs) != 1 || !strings.HasSuffix(fs[0], ":2,FS") {
		t.Errorf("after Expunge: %q", fs)
	}
	if got := fetchAll(t, b, msgs[2].Key); got != bodies[1] {
		t.Errorf("survivor = %q", got)
	}
	b.Close()
	if _, err := b.Messages(ctx); err == nil {
		t.Errorf("Messages after Close succeeded")
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	put(t, filepath.Join(dir, "new", "1.M1P1.h"), "Subject: n\n\nx\n", time.Now())
	put(t, filepath.Join(dir, "cur", "2.M1P1.h:2,T"), "Subject: t\n\nx\n", time.Now())
	before := files(t, dir)
	b, err := Open(dir, store.ReadOnly, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := b.Messages(ctx)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("Messages = %v, %v", msgs, err)
	}
	fetchAll(t, b, msgs[0].Key)
	if err := b.Append(ctx, store.NewMessage{Size: 1, Body: strings.NewReader("x")}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("Append: %v", err)
	}
	if err := b.MarkDeleted(ctx, []uint64{msgs[0].Key}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("MarkDeleted: %v", err)
	}
	if _, err := b.Expunge(ctx); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("Expunge: %v", err)
	}
	if after := files(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("read-only session changed %q to %q", before, after)
	}
}

func TestOpenCreateRemove(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	if _, err := Open(dir, store.ReadOnly, testEnv); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Open missing: %v", err)
	}
	if err := Create(dir, true); err != nil {
		t.Fatal(err)
	}
	if !IsMaildir(dir) || IsMaildir(filepath.Dir(dir)) {
		t.Errorf("IsMaildir wrong after Create")
	}
	if _, err := os.Stat(filepath.Join(dir, folderMarker)); err != nil {
		t.Errorf("no %s: %v", folderMarker, err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "cur"), filepath.Join(root, "a")} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v", d, fi.Mode(), err)
		}
	}
	if err := Create(dir, false); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create existing: %v", err)
	}
	if _, err := Open(filepath.Join(root, "a"), store.ReadOnly, testEnv); !errors.Is(err, store.ErrNotMailbox) {
		t.Errorf("Open of a plain directory: %v", err)
	}
	put(t, filepath.Join(dir, "cur", "1.M1P1.h:2,S"), "x\n", time.Now())
	put(t, filepath.Join(dir, "dovecot-uidlist"), "x\n", time.Now())
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Maildir still there: %v", err)
	}
	if err := Remove(dir); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Remove missing: %v", err)
	}
	if err := Create(filepath.Join(dir, "child"), false); err != nil {
		t.Fatal(err)
	}
	if err := Create(dir, false); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Create over a plain directory: %v", err)
	}
	mroot := filepath.Join(root, "Maildir")
	if err := Create(mroot, false); err != nil {
		t.Fatal(err)
	}
	sub, err := FolderDir(mroot, []string{"x", "y"})
	if err != nil || sub != filepath.Join(mroot, ".x.y") {
		t.Fatalf("FolderDir = %q, %v", sub, err)
	}
	if err := Create(sub, true); err != nil {
		t.Fatal(err)
	}
	if err := Remove(mroot); err == nil || !IsMaildir(mroot) {
		t.Errorf("Remove of a Maildir++ root: %v", err)
	}
	if err := Remove(sub); err != nil {
		t.Errorf("Remove of a sub-folder: %v", err)
	}
	if err := Remove(mroot); err != nil {
		t.Errorf("Remove of an emptied root: %v", err)
	}
}

func TestNestedRemoveKeepsChildren(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	if err := Create(filepath.Join(dir, "child"), false); err != nil {
		t.Fatal(err)
	}
	if err := gomaildirInit(dir); err != nil {
		t.Fatal(err)
	}
	put(t, filepath.Join(dir, "maildirfolder"), "", time.Now())
	put(t, filepath.Join(dir, "notes"), "keep", time.Now())
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	des, _ := os.ReadDir(dir)
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	if strings.Join(names, " ") != "child notes" || !IsMaildir(filepath.Join(dir, "child")) {
		t.Errorf("after Remove: %q", names)
	}
}

func TestFolders(t *testing.T) {
	root := newMaildir(t)
	for _, n := range []string{".b.c", ".a", ".Trash"} {
		if err := Create(filepath.Join(root, n), true); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{".notmaildir", ".x..y"} {
		if err := os.Mkdir(filepath.Join(root, n), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := gomaildirInit(filepath.Join(root, ".x..y")); err != nil {
		t.Fatal(err)
	}
	got, err := Folders(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got {
		names = append(names, strings.Join(f, "/"))
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "Trash a b/c" {
		t.Errorf("Folders = %q", names)
	}
	for _, bad := range [][]string{{"a.b"}, {""}, {"a", ""}, {}} {
		if _, err := FolderDir(root, bad); err == nil {
			t.Errorf("FolderDir(%q) accepted", bad)
		}
	}
	if HasNestedMaildirs(root) {
		t.Errorf("HasNestedMaildirs true for a Maildir++ root")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func gomaildirInit(dir string) error { return gomaildir.Dir(dir).Init() }

// find returns the first name containing part, "" when none does.
func find(names []string, part string) string {
	for _, n := range names {
		if strings.Contains(n, part) {
			return n
		}
	}
	return ""
}
