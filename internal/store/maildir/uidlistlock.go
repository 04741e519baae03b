package maildir

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mailsync/mailsync/internal/pidlock"
	"github.com/mailsync/mailsync/internal/store"
)

// Dovecot writes a folder's dovecot-keywords only while it holds the
// folder's dovecot-uidlist lock: the dot-lock dovecot-uidlist.lock, which
// holds "PID:HOST" and which Dovecot (and its maildirlock tool, made for
// other programs) creates exclusively, taking it over after two minutes
// or when its owner on this host is gone. keywords.go takes it the same
// way around its read and write of dovecot-keywords, so a Dovecot that
// serves the Maildir at the same time cannot write over a keyword named
// here (or the other way round): its letter would lose its name, and the
// keyword would seem removed.

// uidlistLockName is Dovecot's lock file in a Maildir folder.
const uidlistLockName = "dovecot-uidlist.lock"

// uidlistLockStale is the age after which Dovecot takes the lock over
// (MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT).
const uidlistLockStale = 2 * time.Minute

// uidlistLockPoll is how often a held lock is looked at again.
const uidlistLockPoll = 50 * time.Millisecond

// errUIDListLocked: the lock stayed held for the whole wait.
var errUIDListLocked = errors.New("held by another program")

// lockUIDList takes dir's dovecot-uidlist.lock, waiting up to
// env.LockTimeout() for a live holder, and returns its release.
func lockUIDList(dir string, env store.Env) (func(), error) {
	path := filepath.Join(dir, uidlistLockName)
	host, _ := os.Hostname()
	content := []byte(strconv.Itoa(os.Getpid()) + ":" + host)
	isStale := func(c []byte, fi os.FileInfo) bool {
		if env.Time().Sub(fi.ModTime()) > uidlistLockStale {
			return true
		}
		pid, owner, ok := bytes.Cut(bytes.TrimSpace(c), []byte(":"))
		n, err := strconv.Atoi(string(pid))
		return ok && err == nil && n > 0 && string(owner) == host && !pidlock.Alive(n)
	}
	deadline := time.Now().Add(env.LockTimeout())
	for {
		err := pidlock.Create(path, content, 0o600, false)
		if err == nil {
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock Maildir %s: %w", dir, err)
		}
		if owner, took, err := pidlock.TakeOver(path, isStale); err != nil {
			return nil, err
		} else if took {
			pid, _, _ := bytes.Cut(bytes.TrimSpace(owner), []byte(":"))
			env.Tell(store.StaleLockTaken{Lock: path, PID: string(pid), MaxAge: uidlistLockStale})
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock Maildir %s: %s %w for %v", dir, uidlistLockName, errUIDListLocked, env.LockTimeout())
		}
		time.Sleep(uidlistLockPoll)
	}
}
