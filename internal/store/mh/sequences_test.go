package mh

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

var seqT0 = time.Date(2023, 5, 5, 12, 0, 0, 0, time.UTC)

// seqFolder makes a folder with messages 1..n (message i seen when
// seen[i]) and, unless seqs is "", the given .mh_sequences.
func seqFolder(t *testing.T, n int, seen map[int]bool, seqs string) string {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= n; i++ {
		atime := seqT0
		if seen[i] {
			atime = seqT0.Add(time.Hour)
		}
		writeFile(t, filepath.Join(dir, strconv.Itoa(i)), "Subject: "+strconv.Itoa(i)+"\n\nbody\n", seqT0, atime)
	}
	if seqs != "" {
		writeFile(t, filepath.Join(dir, seqFileName), seqs, seqT0, seqT0.Add(-time.Hour))
	}
	return dir
}

func openT(t *testing.T, dir string, mode store.Mode) *Folder {
	t.Helper()
	f, err := Open(dir, mode, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// flagsOf returns the flags of every message, by key.
func flagsOf(t *testing.T, f *Folder) map[uint64]store.Flags {
	t.Helper()
	msgs, err := f.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]store.Flags{}
	for _, m := range msgs {
		out[m.Key] = m.Flags
	}
	return out
}

func appendT(t *testing.T, f *Folder, flags store.Flags) {
	t.Helper()
	body := "Subject: new\r\n\r\nx\r\n"
	if err := f.Append(context.Background(), store.NewMessage{Flags: flags, InternalDate: seqT0,
		Size: int64(len(body)), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

// fileID is what must not change about a file nobody may write.
type fileID struct {
	ino          uint64
	data         string
	mtime, atime int64
	mode         os.FileMode
}

func statFile(t *testing.T, path string) fileID {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	f, err := openFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return fileID{ino: st.Ino, data: b.String(), mtime: fi.ModTime().UnixNano(), atime: st.Atim.Nano(), mode: fi.Mode()}
}

// TestSequencesRead: flags come from nmh- and mutt-written sequence files,
// continuation lines and unknown sequences included; \Seen comes from the
// file times only, as in c-client: "unseen" is not read.
func TestSequencesRead(t *testing.T) {
	seqs := "cur: 2\nreplied: 1 3-4\nflagged: 2\n 5\ndraft: 6\nwork: 1-6\nunseen: 4-5\n"
	dir := seqFolder(t, 6, map[int]bool{1: true, 4: true}, seqs)
	f := openT(t, dir, store.ReadOnly)
	defer f.Close()
	got := flagsOf(t, f)
	want := map[uint64]store.Flags{
		1: store.Seen | store.Answered,
		2: store.Flagged,
		3: store.Answered,
		4: store.Seen | store.Answered, // in "unseen", but its access time says seen
		5: store.Flagged,
		6: store.Draft,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("message %d: flags %v, want %v", k, got[k], w)
		}
	}
}

// TestSequencesAppend: Append changes nothing on disk until Close, which
// replaces .mh_sequences once, atomically (new file, same mode), keeping
// every foreign line byte for byte; the flags read back in the session
// and after reopening.
func TestSequencesAppend(t *testing.T) {
	seqs := "cur: 1\n# kept: as is\nflagged:1\nwork: 1 2\n  3\nunseen: 1-9\n\nafter-blank: 1\n"
	dir := seqFolder(t, 2, nil, seqs)
	path := filepath.Join(dir, seqFileName)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	before := statFile(t, path)
	f := openT(t, dir, store.ReadWrite)
	appendT(t, f, store.Seen|store.Answered)                 // 3
	appendT(t, f, store.Flagged|store.Draft)                 // 4
	appendT(t, f, 0)                                         // 5
	appendT(t, f, store.Seen|store.Flagged|store.Answered)   // 6
	appendT(t, f, store.Deleted|store.Recent|store.Answered) // 7
	if now := statFile(t, path); now != before {
		t.Fatalf(".mh_sequences changed before Close")
	}
	want := map[uint64]store.Flags{1: store.Flagged, 2: 0, 3: store.Seen | store.Answered, 4: store.Flagged | store.Draft,
		5: 0, 6: store.Seen | store.Flagged | store.Answered, 7: store.Answered}
	check := func(when string, got map[uint64]store.Flags) {
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: message %d: flags %v, want %v", when, k, got[k], w)
			}
		}
	}
	check("same session", flagsOf(t, f))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	after := statFile(t, path)
	wantFile := "cur: 1\n# kept: as is\nflagged: 1 4 6\nwork: 1 2\n  3\nunseen: 1-2 4-5 7-9\nreplied: 3 6-7\ndraft: 4\n\nafter-blank: 1\n"
	if after.data != wantFile {
		t.Errorf(".mh_sequences =\n%s\nwant\n%s", after.data, wantFile)
	}
	if after.ino == before.ino || after.mode != 0o644 {
		t.Errorf("not replaced by a new file of the same mode: inode %d -> %d, mode %v", before.ino, after.ino, after.mode)
	}
	if got := strings.Join(names(t, dir), " "); got != ".mh_sequences 1 2 3 4 5 6 7" {
		t.Errorf("folder holds %s", got)
	}
	ro := openT(t, dir, store.ReadOnly)
	defer ro.Close()
	check("reopened", flagsOf(t, ro))
}

// TestSequencesNoWrite: read-only sessions, read-write sessions that change
// nothing, and appends without flags kept in sequences write nothing (and
// create no .mh_sequences, as c-client does not).
func TestSequencesNoWrite(t *testing.T) {
	ctx := context.Background()
	dir := seqFolder(t, 3, map[int]bool{2: true}, "flagged: 1\nunseen: 3\n")
	path := filepath.Join(dir, seqFileName)
	before := statFile(t, path)
	for _, mode := range []store.Mode{store.ReadOnly, store.ReadWrite} {
		f := openT(t, dir, mode)
		flagsOf(t, f)
		rc, err := f.Fetch(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if mode == store.ReadWrite {
			// Marked but not expunged: nothing to write.
			if err := f.MarkDeleted(ctx, []uint64{1}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if now := statFile(t, path); now != before {
			t.Errorf("mode %v: .mh_sequences changed: %+v -> %+v", mode, before, now)
		}
	}
	bare := seqFolder(t, 1, nil, "")
	f := openT(t, bare, store.ReadWrite)
	appendT(t, f, 0)
	appendT(t, f, store.Seen|store.Deleted)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(t, bare), " "); got != "1 2 3" {
		t.Errorf("folder holds %s", got)
	}
}

// TestSequencesExpunge: expunged numbers leave replied, flagged, draft and
// unseen; other sequences keep them (as mutt leaves them; nmh drops
// numbers of missing messages itself).
func TestSequencesExpunge(t *testing.T) {
	ctx := context.Background()
	dir := seqFolder(t, 5, nil, "cur: 4\nreplied: 1-5\nflagged: 4\ndraft: 2 4\nunseen: 4-5\nmine: 4\n")
	f := openT(t, dir, store.ReadWrite)
	if err := f.MarkDeleted(ctx, []uint64{4, 5}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Expunge(ctx); err != nil || n != 2 {
		t.Fatalf("Expunge = %d, %v", n, err)
	}
	// 4 is free again: the new message must inherit none of its sequences.
	appendT(t, f, store.Seen)
	if got := flagsOf(t, f); got[4] != store.Seen || got[2] != store.Answered|store.Draft {
		t.Errorf("flags after expunge and append: %v", got)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want := "cur: 4\nreplied: 1-3\ndraft: 2\nmine: 4\n"
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != want {
		t.Errorf(".mh_sequences =\n%s\nwant\n%s", got, want)
	}
}

// TestSequencesTwoSessions: two open folders of one directory in one
// process both get their numbers in (each rereads the file under the
// lock before writing).
func TestSequencesTwoSessions(t *testing.T) {
	dir := seqFolder(t, 1, nil, "cur: 1\n")
	a := openT(t, dir, store.ReadWrite)
	b := openT(t, dir, store.ReadWrite)
	appendT(t, a, store.Flagged) // 2
	appendT(t, b, store.Flagged) // 3
	for _, f := range []*Folder{a, b} {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != "cur: 1\nflagged: 2-3\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

// TestReplaceLockedRenamedMeanwhile: when the file we locked is no longer
// the one the path names, nothing is written and the caller starts again.
func TestReplaceLockedRenamedMeanwhile(t *testing.T) {
	dir := seqFolder(t, 0, nil, "old: 1\n")
	path := filepath.Join(dir, seqFileName)
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	writeFile(t, path+".new", "new: 1\n", seqT0, seqT0)
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	called := false
	done, err := replaceLocked(context.Background(), dir, path, fh, syscall.F_WRLCK, func(b []byte) []byte {
		called = true
		return b
	})
	if done || err != nil || called {
		t.Errorf("replaceLocked = %v, %v (edit called: %v); want false, nil, not called", done, err, called)
	}
	err = updateSeqFile(dir, time.Minute, func(b []byte) []byte { return append(b, "mine: 2\n"...) })
	if got := statFile(t, path).data; err != nil || got != "new: 1\nmine: 2\n" {
		t.Errorf("update = %q, %v", got, err)
	}
}

// TestSequencesDanglingLink: a .mh_sequences that is a dangling symbolic
// link is an error for Close, not a loop; reading treats it as absent.
func TestSequencesDanglingLink(t *testing.T) {
	dir := seqFolder(t, 1, nil, "")
	if err := os.Symlink("nowhere", filepath.Join(dir, seqFileName)); err != nil {
		t.Fatal(err)
	}
	f := openT(t, dir, store.ReadWrite)
	flagsOf(t, f)
	appendT(t, f, store.Flagged)
	if err := f.Close(); err == nil || !strings.Contains(err.Error(), "dangling") {
		t.Errorf("Close = %v, want the dangling link reported", err)
	}
}

// BenchmarkApplySeqChanges: the in-memory part of Close after a sync that
// appended 10,000 messages (every other one flagged, every third
// answered) to a folder whose sequences already list 10,000.
func BenchmarkApplySeqChanges(b *testing.B) {
	old := []byte("cur: 1\nunseen: 1-10000\nflagged: 1-10000\nreplied: 2 4 6 8\n")
	changes := map[uint64]seqChange{}
	for n := uint64(10001); n <= 20000; n++ {
		var c seqChange
		if n%2 == 0 {
			c.flags |= store.Flagged
		}
		if n%3 == 0 {
			c.flags |= store.Answered | store.Seen
		}
		changes[n] = c
	}
	for b.Loop() {
		sf := parseSeqFile(old)
		applySeqChanges(sf, changes)
		if len(sf.bytes()) == 0 {
			b.Fatal("empty")
		}
	}
}
