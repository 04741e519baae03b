package mbox

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

// crossingFile is an mbox whose second message's status block, padded
// for changes in place, lies across offset 4096.
func crossingFile() string {
	first := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\n"
	second := "From a@b Mon Jan  1 10:00:01 2024\nSubject: two\n" + padded("Status: O\nX-Status: \nX-Keywords:") + "\n\nbody two\n"
	fill := 4096 - len(first) - len("\n\nFrom a@b Mon Jan  1 10:00:01 2024\nSubject: two\nStatus: O\nX-Status: ") + 3
	return first + strings.Repeat("x", fill) + "\n\n" + second
}

// flaggedCopy is path's file after a session set \Flagged and \Seen on
// its second message, uninterrupted.
func flaggedCopy(t *testing.T, data string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte(data), 0o600)
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[1].Key, Add: store.Flagged | store.Seen}}); err != nil {
		t.Fatal(err)
	}
	ino := inode(t, path)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if inode(t, path) != ino {
		t.Fatal("the change across the block was not written in place")
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Fatalf("the dotlock is left behind: %v", err)
	}
	after, _ := os.ReadFile(path)
	return after
}

// TestFlagJournalFinish: a mailsync killed while writing a change across
// a block boundary leaves the change journaled in its dotlock; the next
// Open takes the stale lock over and writes the change whole where the
// bytes are a mixture of old and new, and says so. Bytes already new,
// bytes another program changed, another file at the path and a damaged
// journal are left alone.
func TestFlagJournalFinish(t *testing.T) {
	before := []byte(crossingFile())
	after := flaggedCopy(t, string(before))
	first := 0
	for before[first] == after[first] {
		first++
	}
	last := len(before) - 1
	for before[last] == after[last] {
		last--
	}
	if first/4096 == last/4096 {
		t.Fatalf("fixture: the change (%d to %d) does not cross a block", first, last)
	}
	torn := slices.Clone(before)
	copy(torn[4096:], after[4096:last+1]) // the second page was written, the first not
	foreign := slices.Clone(torn)
	foreign[first] = '#'
	for _, c := range []struct {
		name    string
		file    []byte
		journal func(sig filesig.Sig) string
		want    []byte
	}{
		{"torn", torn, nil, after},
		{"not begun", before, nil, after},
		{"done", after, nil, after},
		{"changed by another program", foreign, nil, foreign},
		{"another file", torn, func(sig filesig.Sig) string {
			sig.Ino++
			return string(appendFlagJournal(nil, sig, []inPlaceEdit{{off: int64(first), was: before[first : last+1], data: after[first : last+1]}}))
		}, torn},
		{"damaged journal", torn, func(sig filesig.Sig) string {
			return string(appendFlagJournal(nil, sig, nil)) + "edit 12 zz 00\n"
		}, torn},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "box")
			os.WriteFile(path, c.file, 0o600)
			sig, err := filesig.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			journal := string(appendFlagJournal(nil, sig, []inPlaceEdit{{off: int64(first), was: before[first : last+1], data: after[first : last+1]}}))
			if c.journal != nil {
				journal = c.journal(sig)
			}
			os.WriteFile(path+".lock", []byte("2147483646\n"+journal), 0o600)
			b, notes := openNoting(t, path)
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, c.want) {
				t.Errorf("file after Open:\n%q\nwant\n%q", got[first:last+1], c.want[first:last+1])
			}
			finished := store.FlagsFinished{Path: path, Messages: 1}
			wantNote := !bytes.Equal(c.file, c.want)
			if has := slices.Contains(*notes, store.Note(finished)); has != wantNote {
				t.Errorf("notes %+v; the finishing told: %v, want %v", *notes, has, wantNote)
			}
		})
	}
}

// TestFlagJournalRoundTrip: what appendFlagJournal writes,
// parseFlagJournal reads back, after the pid line.
func TestFlagJournalRoundTrip(t *testing.T) {
	sig := filesig.Sig{Dev: 2049, Ino: 1234567}
	edits := []inPlaceEdit{{off: 4090, was: []byte("O\nX-St"), data: []byte("RO\nX-S")}, {off: 9000, was: []byte{0, 255}, data: []byte("ab")}}
	dev, ino, got, ok := parseFlagJournal(append([]byte("42\n"), appendFlagJournal(nil, sig, edits)...))
	if !ok || dev != sig.Dev || ino != sig.Ino || len(got) != 2 {
		t.Fatalf("parsed %d %d %+v %v", dev, ino, got, ok)
	}
	for i := range edits {
		if got[i].off != edits[i].off || !bytes.Equal(got[i].was, edits[i].was) || !bytes.Equal(got[i].data, edits[i].data) {
			t.Errorf("edit %d: %+v, want %+v", i, got[i], edits[i])
		}
	}
	for _, content := range []string{"42\n", "42\nappend-from 10\n", ""} {
		if _, _, _, ok := parseFlagJournal([]byte(content)); ok {
			t.Errorf("%q read as a journal", content)
		}
	}
}
