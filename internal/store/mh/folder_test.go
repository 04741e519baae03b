package mh

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

var testEnv = store.Env{Home: "/nonexistent", User: "u", Host: "h",
	Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }}

func writeFile(t *testing.T, path, content string, mtime, atime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, atime, mtime); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	sort.Strings(out)
	return out
}

func TestMessages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t1 := time.Date(2023, 5, 5, 12, 0, 0, 0, time.UTC)
	writeFile(t, filepath.Join(dir, "10"), "Subject: ten\n\nbody\n", t1, t1)                  // unseen
	writeFile(t, filepath.Join(dir, "2"), "Subject: two\r\n\r\nx\r\n", t1, t1.Add(time.Hour)) // seen
	writeFile(t, filepath.Join(dir, ".mh_sequences"), "unseen: 2 10\n", t1, t1)               // not read
	writeFile(t, filepath.Join(dir, "notes"), "x\n", t1, t1)
	if err := os.Mkdir(filepath.Join(dir, "77"), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := Open(dir, store.ReadOnly, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msgs, err := f.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Message{
		{Key: 2, Size: 19, Flags: store.Seen, InternalDate: t1, Header: []byte("Subject: two\r\n\r\n")},
		{Key: 10, Size: 22, InternalDate: t1, Header: []byte("Subject: ten\n\n")},
	}
	if len(msgs) != len(want) {
		t.Fatalf("got %d messages, want %d: %+v", len(msgs), len(want), msgs)
	}
	for i, m := range msgs {
		w := want[i]
		if m.Key != w.Key || m.Size != w.Size || m.Flags != w.Flags || !m.InternalDate.Equal(w.InternalDate) || string(m.Header) != string(w.Header) {
			t.Errorf("message %d = %+v, want %+v", i, m, w)
		}
	}
	// Fetching the unseen message yields Size CRLF bytes and leaves it unseen.
	rc, err := f.Fetch(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(body) != "Subject: ten\r\n\r\nbody\r\n" {
		t.Fatalf("Fetch = %q, %v", body, err)
	}
	again, err := f.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again[1].Flags&store.Seen != 0 {
		t.Errorf("Fetch marked message 10 seen")
	}
	if err := f.Append(ctx, store.NewMessage{Size: 1, Body: strings.NewReader("x")}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("Append on read-only folder: %v", err)
	}
	if _, err := f.Fetch(ctx, 3); err == nil {
		t.Errorf("Fetch of a missing message succeeded")
	}
}

func TestAppendExpunge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t1 := time.Date(2023, 5, 5, 12, 0, 0, 0, time.UTC)
	writeFile(t, filepath.Join(dir, "5"), "hello\n", t1, t1)
	f, err := Open(dir, store.ReadWrite, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	d2 := time.Date(2024, 1, 2, 10, 0, 0, 0, time.FixedZone("x", 3600))
	for _, m := range []struct {
		body  string
		flags store.Flags
		date  time.Time
	}{
		{"Message-ID: <m1@x>\r\n\r\nbody1\r\n", store.Seen | store.Flagged, d1},
		{"Message-ID: <m2@x>\r\n\r\nbody2\r\n", 0, d2},
	} {
		if err := f.Append(ctx, store.NewMessage{Flags: m.flags, InternalDate: m.date, Size: int64(len(m.body)), Body: strings.NewReader(m.body)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(names(t, dir), " "), "5 6 7"; got != want {
		t.Fatalf("files = %s, want %s", got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "6")); string(b) != "Message-ID: <m1@x>\n\nbody1\n" {
		t.Errorf("file 6 = %q", b)
	}
	msgs, err := f.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || msgs[1].Flags != store.Seen|store.Flagged || msgs[2].Flags != 0 ||
		!msgs[1].InternalDate.Equal(d1) || !msgs[2].InternalDate.Equal(d2) || msgs[1].Size != 29 {
		t.Fatalf("messages after append = %+v", msgs)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "6")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", fi.Mode())
	}
	if err := f.Append(ctx, store.NewMessage{Size: 5, Body: strings.NewReader("abc")}); err == nil {
		t.Errorf("short body accepted")
	}
	if err := f.Append(ctx, store.NewMessage{Size: 0, Body: strings.NewReader("")}); err == nil {
		t.Errorf("empty message accepted")
	}
	if got := strings.Join(names(t, dir), " "); got != "5 6 7" {
		t.Errorf("failed appends left files: %s", got)
	}
	if err := f.MarkDeleted(ctx, []uint64{5, 7}); err != nil {
		t.Fatal(err)
	}
	msgs, _ = f.Messages(ctx)
	if msgs[0].Flags&store.Deleted == 0 {
		t.Errorf("MarkDeleted not reported by Messages")
	}
	n, err := f.Expunge(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Expunge = %d, %v", n, err)
	}
	if got := strings.Join(names(t, dir), " "); got != "6" {
		t.Errorf("after expunge: %s", got)
	}
	// The next append still takes a number above every existing one.
	if err := f.Append(ctx, store.NewMessage{Size: 2, Body: strings.NewReader("x\n")}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(t, dir), " "); got != "6 7" {
		t.Errorf("after append: %s", got)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// Message 6 (\Flagged) is the only one left in a sequence: 7 was
	// flagged by nobody, and the expunged 5 and 7 left nothing behind.
	if b, err := os.ReadFile(filepath.Join(dir, ".mh_sequences")); err != nil || string(b) != "flagged: 6\n" {
		t.Errorf(".mh_sequences = %q, %v", b, err)
	}
}

func TestOpenCreateRemove(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	if _, err := Open(dir, store.ReadOnly, testEnv); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Open missing: %v", err)
	}
	if IsFolder(dir) {
		t.Errorf("IsFolder on missing dir")
	}
	if err := Create(dir); err != nil {
		t.Fatal(err)
	}
	if !IsFolder(dir) {
		t.Errorf("IsFolder after Create")
	}
	if err := Create(dir); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create existing: %v", err)
	}
	file := filepath.Join(root, "file")
	writeFile(t, file, "x", time.Now(), time.Now())
	if _, err := Open(file, store.ReadOnly, testEnv); !errors.Is(err, store.ErrNotMailbox) {
		t.Errorf("Open file: %v", err)
	}
	if err := Create(file); !errors.Is(err, store.ErrExists) {
		t.Errorf("Create over file: %v", err)
	}
	for _, n := range []string{"1", ",2", ".mh_sequences"} {
		writeFile(t, filepath.Join(dir, n), "x\n", time.Now(), time.Now())
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder still there: %v", err)
	}
	if err := Remove(dir); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("Remove missing: %v", err)
	}
	// A folder holding a sub-folder loses its messages but stays.
	if err := Create(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "3"), "x\n", time.Now(), time.Now())
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(t, dir), " "); got != "sub" {
		t.Errorf("after Remove: %s", got)
	}
}
