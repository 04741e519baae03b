package mh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

func setFlagsT(t *testing.T, f *Folder, changes ...store.FlagChange) {
	t.Helper()
	if err := f.SetFlags(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
}

// TestSetFlagsSeenInTimes: \Seen is the access time (after the
// modification time: seen; equal: unseen), the modification time (the
// internal date) stays to the nanosecond, the session reads the new
// state at once, and a message set \Seen leaves "unseen" (nothing ever
// joins it).
func TestSetFlagsSeenInTimes(t *testing.T) {
	dir := seqFolder(t, 3, map[int]bool{2: true}, "unseen: 1 3\n")
	f := openT(t, dir, store.ReadWrite)
	before := map[int]fileID{}
	for _, n := range []int{1, 2, 3} {
		before[n] = statFile(t, filepath.Join(dir, strconv.Itoa(n)))
	}
	flagsOf(t, f)
	setFlagsT(t, f,
		store.FlagChange{Key: 1, Add: store.Seen},
		store.FlagChange{Key: 2, Remove: store.Seen},
		store.FlagChange{Key: 3, Remove: store.Seen}, // unseen already
	)
	if got := flagsOf(t, f); got[1] != store.Seen || got[2] != 0 || got[3] != 0 {
		t.Errorf("flags in the session %v", got)
	}
	if len(f.touched) != 2 {
		t.Errorf("files left for Close to fsync: %q, want messages 1 and 2", f.touched)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3} {
		after := statFile(t, filepath.Join(dir, strconv.Itoa(n)))
		if after.mtime != before[n].mtime || after.data != before[n].data {
			t.Errorf("message %d: modification time or content changed", n)
		}
		seen := time.Unix(0, after.atime).Unix() > time.Unix(0, after.mtime).Unix()
		if seen != (n == 1) {
			t.Errorf("message %d: seen %v in the file times", n, seen)
		}
	}
	if n := statFile(t, filepath.Join(dir, "3")); n.atime != before[3].atime {
		t.Error("message 3 (unseen already) had its times set")
	}
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != "unseen: 3\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

// TestSetFlagsSequences: \Answered, \Flagged and \Draft change in their
// sequences when Close writes them. Between our listing and our Close,
// another client (mutt: a rename) changes other sequences, other
// messages and a flag of one of ours that we do not change: all of it
// survives, and only our numbers change in our sequences.
func TestSetFlagsSequences(t *testing.T) {
	dir := seqFolder(t, 3, nil, "cur: 1\nflagged: 1\nreplied: 2\n")
	f := openT(t, dir, store.ReadWrite)
	flagsOf(t, f)
	setFlagsT(t, f,
		store.FlagChange{Key: 1, Add: store.Answered, Remove: store.Flagged},
		store.FlagChange{Key: 3, Add: store.Draft},
	)
	want := map[uint64]store.Flags{1: store.Answered, 2: store.Answered, 3: store.Draft}
	if got := flagsOf(t, f); !equalFlags(got, want) {
		t.Errorf("flags in the session %v, want %v", got, want)
	}
	// mutt: cur moves to 2, message 2 is flagged, message 3 flagged,
	// message 1 joins a sequence of the user's; written by rename.
	tmp := filepath.Join(dir, ".mutt-seq")
	writeFile(t, tmp, "cur: 2\nflagged: 1-3\nreplied: 2\nwork: 1\n", seqT0, seqT0)
	if err := os.Rename(tmp, filepath.Join(dir, seqFileName)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	wantSeq := "cur: 2\nflagged: 2-3\nreplied: 1-2\nwork: 1\ndraft: 3\n"
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != wantSeq {
		t.Errorf(".mh_sequences\n%q\nwant\n%q", got, wantSeq)
	}
}

// TestSetFlagsWaitsForNmh: Close writes SetFlags' sequences under nmh's
// lock: an nmh that holds it and rewrites the file in place meanwhile
// keeps its line, and we keep ours.
func TestSetFlagsWaitsForNmh(t *testing.T) {
	dir := seqFolder(t, 2, nil, "cur: 1\nreplied: 1\n")
	path := filepath.Join(dir, seqFileName)
	f := openWaiting(t, dir, 10*time.Second)
	flagsOf(t, f)
	setFlagsT(t, f, store.FlagChange{Key: 2, Add: store.Flagged}, store.FlagChange{Key: 1, Remove: store.Answered})
	wait := startHolder(t, path, 300*time.Millisecond, "nmh: 1-2\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	wait()
	if got := statFile(t, path).data; got != "cur: 1\nnmh: 1-2\nflagged: 2\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

// TestSetFlagsWithAppendAndExpunge: a message appended in the session
// and then changed gets exactly its final flags; a changed message that
// is expunged leaves every flag sequence; a message removed by another
// program is skipped.
func TestSetFlagsWithAppendAndExpunge(t *testing.T) {
	dir := seqFolder(t, 3, nil, "flagged: 3\n")
	f := openT(t, dir, store.ReadWrite)
	appendT(t, f, store.Flagged|store.Answered) // message 4
	setFlagsT(t, f,
		store.FlagChange{Key: 4, Add: store.Draft, Remove: store.Flagged},
		store.FlagChange{Key: 1, Add: store.Flagged},
	)
	if err := f.MarkDeleted(context.Background(), []uint64{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Expunge(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "2")); err != nil {
		t.Fatal(err)
	}
	setFlagsT(t, f, store.FlagChange{Key: 2, Add: store.Answered})
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != "flagged: 3\nreplied: 4\ndraft: 4\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

// TestSetFlagsReadOnly: a read-only folder refuses and changes nothing.
func TestSetFlagsReadOnly(t *testing.T) {
	dir := seqFolder(t, 1, nil, "cur: 1\n")
	before := statFile(t, filepath.Join(dir, "1"))
	f := openT(t, dir, store.ReadOnly)
	err := f.SetFlags(context.Background(), []store.FlagChange{{Key: 1, Add: store.Seen | store.Flagged}})
	if !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("SetFlags on a read-only folder: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if after := statFile(t, filepath.Join(dir, "1")); after != before {
		t.Error("the message file changed")
	}
	if got := statFile(t, filepath.Join(dir, seqFileName)).data; got != "cur: 1\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

func equalFlags(a, b map[uint64]store.Flags) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
