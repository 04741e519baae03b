package mbox

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

const flagsFile = "From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nSubject: " + PseudoSubject + "\nX-IMAP: 1795644331 0000000009\nStatus: RO\n\ntext\n\n" +
	"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nStatus: RO\nX-Status: F\nX-Keywords: k\nX-UID: 1\n\nbody one\n\n" +
	"From a@b Mon Jan  1 10:00:01 2024\r\nSubject: two\r\nMessage-ID: <2@x>\r\n\r\nbody two\r\n\r\n" +
	"From a@b Mon Jan  1 10:00:02 2024\nSubject: three\nStatus: O\n\nbody three\n\n" +
	"From a@b Mon Jan  1 10:00:03 2024\nSubject: four\n\nbody four\n"

// openFlags writes content to a new box and opens it read-write, with
// its messages listed.
func openFlags(t *testing.T, content string) (*Box, string, []store.Message) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ms, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return b, path, ms
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestSetFlagsBytes: the changes show in the session at once, the file
// is rewritten by Close, and only the status lines of the messages whose
// flags changed differ; a change undone in the session rewrites nothing.
func TestSetFlagsBytes(t *testing.T) {
	b, path, ms := openFlags(t, flagsFile)
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: ms[0].Key, Add: store.Answered, Remove: store.Flagged | store.Seen},
		{Key: ms[1].Key, Add: store.Seen | store.Draft},
		{Key: ms[2].Key, Add: store.Flagged},
		{Key: ms[3].Key, Add: store.Seen},
		{Key: ms[3].Key, Remove: store.Seen}, // back as it was
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != flagsFile {
		t.Error("SetFlags wrote to the file before Close")
	}
	again, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := []store.Flags{store.Answered, store.Seen | store.Draft | store.Recent, store.Flagged, store.Recent}
	for i, m := range again {
		if m.Flags != wantFlags[i] || m.Size != ms[i].Size {
			t.Errorf("message %d in the session: flags %v size %d, want %v %d", i, m.Flags, m.Size, wantFlags[i], ms[i].Size)
		}
	}
	if got := fetchAll(t, b, again[1]); got != "Subject: two\r\nMessage-ID: <2@x>\r\n\r\nbody two\r\n" {
		t.Errorf("fetch %q", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"Status: RO\nX-Status: F\nX-Keywords: k", "Status: O\nX-Status: A\nX-Keywords: k",
		"Message-ID: <2@x>\r\n\r\n", "Message-ID: <2@x>\r\nStatus: R\r\nX-Status: T\r\n\r\n",
		"Subject: three\nStatus: O\n", "Subject: three\nStatus: O\nX-Status: F\n",
	).Replace(flagsFile)
	got, _ := os.ReadFile(path)
	if string(got) != want {
		t.Errorf("file after Close:\n%q\nwant\n%q", got, want)
	}
	r, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	reread, err := r.Messages(ctx)
	if err != nil || len(reread) != 4 {
		t.Fatalf("reopened: %d messages, %v", len(reread), err)
	}
	for i, m := range reread {
		if m.Flags != wantFlags[i] || m.Size != ms[i].Size || !m.InternalDate.Equal(ms[i].InternalDate) {
			t.Errorf("message %d reopened: %+v, want flags %v", i, m, wantFlags[i])
		}
	}
}

// TestSetFlagsNoChange: flags set as they are, or changed and changed
// back, leave the file alone (same inode, same bytes).
func TestSetFlagsNoChange(t *testing.T) {
	b, path, ms := openFlags(t, flagsFile)
	ino := inode(t, path)
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: ms[0].Key, Add: store.Seen | store.Flagged},
		{Key: ms[1].Key, Remove: store.Seen},
		{Key: ms[2].Key, Add: store.Draft},
		{Key: ms[2].Key, Remove: store.Draft},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != flagsFile || inode(t, path) != ino {
		t.Error("the file was rewritten")
	}
}

// TestSetFlagsOneRewrite: with an expunge in the session, the flags go
// into its rewrite, and Close writes nothing more.
func TestSetFlagsOneRewrite(t *testing.T) {
	b, path, ms := openFlags(t, flagsFile)
	ino := inode(t, path)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[3].Key, Add: store.Seen}}); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkDeleted(ctx, []uint64{ms[1].Key}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Expunge(ctx); n != 1 || err != nil {
		t.Fatalf("Expunge: %d, %v", n, err)
	}
	after := inode(t, path)
	if after == ino {
		t.Fatal("Expunge did not rewrite")
	}
	mid, _ := os.ReadFile(path)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); inode(t, path) != after || !bytes.Equal(got, mid) {
		t.Error("Close rewrote the file after the expunge")
	}
	i := strings.Index(flagsFile, "From a@b Mon Jan  1 10:00:01")
	j := strings.Index(flagsFile, "From a@b Mon Jan  1 10:00:02")
	want := flagsFile[:i] + flagsFile[j:]
	want = strings.Replace(want, "Subject: four\n\n", "Subject: four\nStatus: R\nX-Status: \n\n", 1)
	if string(mid) != want {
		t.Errorf("file:\n%q\nwant\n%q", mid, want)
	}
}

// TestSetFlagsForeignAppend: mail another program appended while the
// flags were pending (ignoring the locks) is in the file Close writes,
// and a message whose status lines such a program changed in place is
// not overwritten: Close fails and leaves the file as that program left
// it.
func TestSetFlagsForeignAppend(t *testing.T) {
	b, path, ms := openFlags(t, flagsFile)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[0].Key, Add: store.Draft}}); err != nil {
		t.Fatal(err)
	}
	extra := "\nFrom x@y Mon Jan  1 10:00:00 2024\nSubject: late\nStatus: O\n\nlate\n\n"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(extra)
	f.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(flagsFile, "X-Status: F\n", "X-Status: FT\n", 1) + extra
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file:\n%q\nwant\n%q", got, want)
	}

	b, path, ms = openFlags(t, flagsFile)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[2].Key, Add: store.Seen}}); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(flagsFile, "Subject: three\nStatus: O\n", "Subject: three\nStatus: D\n", 1)
	f, _ = os.OpenFile(path, os.O_WRONLY, 0)
	f.WriteAt([]byte(changed), 0)
	f.Close()
	if err := b.Close(); err == nil || !strings.Contains(err.Error(), "changed by another program") {
		t.Errorf("Close: %v, want a refusal", err)
	}
	if got, _ := os.ReadFile(path); string(got) != changed {
		t.Error("the other program's change was overwritten")
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Error("the dotlock outlived a failed Close")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
}

// TestSetFlagsReadOnly: a read-only box refuses SetFlags.
func TestSetFlagsReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte(flagsFile), 0o600)
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ms, _ := b.Messages(ctx)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[0].Key, Add: store.Seen}}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("SetFlags: %v", err)
	}
}

// TestDeadTempsRemoved: the new file of a rewrite whose process was
// killed is removed by the next read-write Open, with a note; a live
// process's, other files and a read-only Open leave theirs.
func TestDeadTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "box")
	os.WriteFile(path, []byte(flagsFile), 0o600)
	dead := filepath.Join(dir, ".box.mailsync-2147483646-12345")
	keep := []string{
		filepath.Join(dir, ".box.mailsync-1-12345"),                // pid 1 lives
		filepath.Join(dir, ".box.mailsync-stale-2147483646-x1"),    // pidlock's
		filepath.Join(dir, ".other.mailsync-2147483646-12345"),     // another box's
		filepath.Join(dir, ".box.mailsync-2147483646-12345.extra"), // not ours
	}
	for _, p := range append(keep, dead) {
		os.WriteFile(p, []byte("x"), 0o600)
	}
	r, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := os.Stat(dead); err != nil {
		t.Fatal("a read-only Open removed a file")
	}
	b, notes := openNoting(t, path)
	b.Close()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Error("the dead rewrite's file is still there")
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
	if len(*notes) != 1 || (*notes)[0].(store.DeadRewriteRemoved).File != dead {
		t.Errorf("notes %+v, want one DeadRewriteRemoved of %s", *notes, dead)
	}
}
