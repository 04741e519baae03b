package maildir

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// flagBox makes a Maildir holding the given files ("sub/name"), each a
// small message, and opens it read-write, listed.
func flagBox(t *testing.T, names ...string) (string, *Box, []store.Message) {
	t.Helper()
	dir := newMaildir(t)
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, n := range names {
		put(t, filepath.Join(dir, n), "Subject: "+n+"\n\nbody\n", date)
	}
	b := openBox(t, dir, store.ReadWrite, testEnv)
	t.Cleanup(func() { b.Close() })
	return dir, b, listing(t, b)
}

// TestSetFlagsLetters: added letters go in, in ASCII order (D F P R S T,
// then keywords a–z), removed ones go out, and the letters the store does
// not manage (T, P, Dovecot keywords) stay. A message in new/ that gets
// a flag moves to cur/ with its info, as mutt and Dovecot do; one whose
// change changes nothing stays where it is.
func TestSetFlagsLetters(t *testing.T) {
	ctx := context.Background()
	dir, b, msgs := flagBox(t,
		"cur/1000.M1P1.h:2,PT",
		"cur/1001.M1P1.h:2,FSab",
		"new/1002.M1P1.h",
		"new/1003.M1P1.h",
		"cur/1004.M1P1.h",
	)
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: msgs[0].Key, Add: store.Seen | store.Answered | store.Draft | store.Flagged},
		{Key: msgs[1].Key, Add: store.Answered, Remove: store.Flagged | store.Seen},
		{Key: msgs[2].Key, Add: store.Seen},
		{Key: msgs[3].Key, Remove: store.Seen}, // nothing to remove: stays in new/
		{Key: msgs[4].Key, Add: store.Deleted | store.Flagged},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"cur/1000.M1P1.h:2,DFPRST",
		"cur/1001.M1P1.h:2,Rab",
		"cur/1002.M1P1.h:2,S",
		"cur/1004.M1P1.h:2,F", // \Deleted is no synced flag: T stays out
		"new/1003.M1P1.h",
	}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("files\n%q\nwant\n%q", got, want)
	}
	// The session sees the new flags (and \Deleted where T was).
	wantFlags := []store.Flags{
		store.Seen | store.Answered | store.Draft | store.Flagged | store.Deleted,
		store.Answered, store.Seen, store.Recent, store.Flagged,
	}
	for i, m := range listing(t, b) {
		if m.Flags != wantFlags[i] {
			t.Errorf("message %d: flags %b, want %b", i, m.Flags, wantFlags[i])
		}
	}
	if !b.unsynced["cur"] || !b.unsynced["new"] {
		t.Errorf("directories left for Close to sync: %v, want cur and new", b.unsynced)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSetFlagsRenamedMeanwhile: another client (mutt, Dovecot) renames
// the file between our listing and our change. SetFlags finds it again by
// its unique part and applies the change to its current flags: the other
// client's change survives. A message removed meanwhile is skipped.
func TestSetFlagsRenamedMeanwhile(t *testing.T) {
	ctx := context.Background()
	dir, b, msgs := flagBox(t,
		"cur/1000.M1P1.h:2,S",
		"new/1001.M1P1.h",
		"cur/1002.M1P1.h:2,",
	)
	// mutt flags message 0 and reads message 1 (moving it to cur/);
	// message 2 is expunged by another client.
	rename(t, dir, "cur/1000.M1P1.h:2,S", "cur/1000.M1P1.h:2,FS")
	rename(t, dir, "new/1001.M1P1.h", "cur/1001.M1P1.h:2,S")
	if err := os.Remove(filepath.Join(dir, "cur/1002.M1P1.h:2,")); err != nil {
		t.Fatal(err)
	}
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: msgs[0].Key, Add: store.Answered},
		{Key: msgs[1].Key, Add: store.Flagged},
		{Key: msgs[2].Key, Add: store.Seen},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cur/1000.M1P1.h:2,FRS", "cur/1001.M1P1.h:2,FS"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("files\n%q\nwant\n%q", got, want)
	}
	// A key never given out is an error.
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: 99, Add: store.Seen}}); err == nil {
		t.Error("SetFlags of an unknown key succeeded")
	}
}

// TestSetFlagsReadOnly: a read-only box refuses and renames nothing.
func TestSetFlagsReadOnly(t *testing.T) {
	dir := newMaildir(t)
	put(t, filepath.Join(dir, "new/1000.M1P1.h"), "Subject: a\n\nb\n", time.Unix(1000, 0))
	b := openBox(t, dir, store.ReadOnly, testEnv)
	defer b.Close()
	msgs := listing(t, b)
	err := b.SetFlags(context.Background(), []store.FlagChange{{Key: msgs[0].Key, Add: store.Seen}})
	if !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("SetFlags on a read-only box: %v", err)
	}
	if got := files(t, dir); !slices.Equal(got, []string{"new/1000.M1P1.h"}) {
		t.Errorf("files %q", got)
	}
}

func rename(t *testing.T, dir, from, to string) {
	t.Helper()
	if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
		t.Fatal(err)
	}
}
