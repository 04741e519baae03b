package maildir

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// holdUIDList writes dir's dovecot-uidlist.lock as Dovecot would for
// process pid on this host.
func holdUIDList(t *testing.T, dir string, pid int) string {
	t.Helper()
	host, _ := os.Hostname()
	path := filepath.Join(dir, uidlistLockName)
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+":"+host), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKeywordsWaitForDovecotLock: naming a new keyword waits while a live
// process (Dovecot) holds the folder's dovecot-uidlist.lock, and goes on
// once it is released; the lock is ours meanwhile, and gone after.
func TestKeywordsWaitForDovecotLock(t *testing.T) {
	dir, b, msgs := flagBox(t, "cur/1000.M1P1.h:2,")
	lock := holdUIDList(t, dir, os.Getpid())
	done := make(chan error, 1)
	go func() {
		done <- b.SetFlags(context.Background(), []store.FlagChange{{Key: msgs[0].Key, AddKeywords: "$Junk"}})
	}()
	time.Sleep(150 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("SetFlags returned (%v) while the lock was held", err)
	default:
	}
	if _, err := os.Stat(filepath.Join(dir, keywordFile)); err == nil {
		t.Fatal("dovecot-keywords written while the lock was held")
	}
	os.Remove(lock)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if table, _ := os.ReadFile(filepath.Join(dir, keywordFile)); string(table) != "0 $Junk\n" {
		t.Errorf("dovecot-keywords %q", table)
	}
	if _, err := os.Stat(lock); err == nil {
		t.Error("the lock is left behind")
	}
}

// TestKeywordsDovecotLockStaleOrHeld: a lock of a process gone from this
// host is taken over at once (and said); one held for the whole wait
// fails the call, naming it, before any file is renamed.
func TestKeywordsDovecotLockStaleOrHeld(t *testing.T) {
	dir, b, msgs := flagBox(t, "cur/1000.M1P1.h:2,")
	var notes []store.Note
	b.env.Notes = func(n store.Note) { notes = append(notes, n) }
	holdUIDList(t, dir, 1<<22+7) // no such process
	if err := b.SetFlags(context.Background(), []store.FlagChange{{Key: msgs[0].Key, AddKeywords: "one"}}); err != nil {
		t.Fatalf("SetFlags over a stale lock: %v", err)
	}
	if len(notes) != 1 {
		t.Errorf("notes %v, want one stale lock taken over", notes)
	}
	holdUIDList(t, dir, os.Getpid())
	b.env.LockWait = 200 * time.Millisecond
	err := b.SetFlags(context.Background(), []store.FlagChange{{Key: msgs[0].Key, AddKeywords: "two"}})
	if err == nil || !strings.Contains(err.Error(), "dovecot-uidlist.lock held by another program") {
		t.Fatalf("SetFlags while the lock stays held: %v", err)
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != "cur/1000.M1P1.h:2,a" {
		t.Errorf("files %q", names)
	}
}
