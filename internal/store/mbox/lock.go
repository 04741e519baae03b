package mbox

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/pidlock"
	"github.com/mailsync/mailsync/internal/store"
)

// Lock timing. How long Open waits for another program's lock is the
// caller's (store.Env.LockWait); these are fixed.
const (
	// staleAge: a dotlock older than this is stale (liblockfile uses 5 min).
	staleAge = 5 * time.Minute
	// emptyStaleAge: an empty dotlock older than this is stale.
	emptyStaleAge = 10 * time.Second
	// lockPoll is the retry interval.
	lockPoll = 100 * time.Millisecond
)

// ErrLocked is returned (wrapped) when a lock could not be obtained in time.
var ErrLocked = errors.New("mailbox is locked by another program")

// dotlock creates PATH.lock holding our pid, the way mutt and liblockfile
// do, taking over stale locks (older than staleAge by env's clock, or
// whose pid is gone) atomically (package pidlock), and waiting up to
// env.LockTimeout() for a live one. A stale lock taken over is reported
// to env (a store.StaleLockTaken note). The content of the stale lock is
// returned (nil when none was taken over): a mailsync's names what it
// left unfinished (an append: appendMark; flag changes: the flag
// journal).
func dotlock(path string, env store.Env) (name string, staleContent []byte, err error) {
	name = path + ".lock"
	isStale := func(content []byte, fi os.FileInfo) bool { return stale(content, fi, env.Time()) }
	err = retry(env.LockTimeout(), func() (bool, error) {
		err := pidlock.Create(name, pidlock.Content(), 0o644, false)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return false, err
		}
		owner, took, err := pidlock.TakeOver(name, isStale)
		if err != nil || !took {
			return false, err
		}
		pid, _ := parseLock(owner)
		env.Tell(store.StaleLockTaken{Lock: name, PID: pid, MaxAge: staleAge})
		staleContent = owner
		return false, errAgain
	})
	if errors.Is(err, ErrLocked) {
		return "", nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
	}
	if err != nil {
		return "", nil, err
	}
	return name, staleContent, nil
}

// errAgain tells retry to try again at once.
var errAgain = errors.New("try again")

// retry calls try until it reports done or fails, every lockPoll (at
// once after errAgain), for at most wait by the runtime's timer, then
// once more; ErrLocked when it never succeeded.
func retry(wait time.Duration, try func() (done bool, err error)) error {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	expired := false
	for {
		done, err := try()
		switch {
		case errors.Is(err, errAgain):
			continue
		case err != nil:
			return err
		case done:
			return nil
		case expired:
			return ErrLocked
		}
		poll := time.NewTimer(lockPoll)
		select {
		case <-deadline.C:
			expired = true
			poll.Stop()
		case <-poll.C:
		}
	}
}

// stale reports whether a dotlock with this content and file info is
// old at now or names a dead process (pidlock.StaleFunc).
func stale(content []byte, fi os.FileInfo, now time.Time) bool {
	age := now.Sub(fi.ModTime())
	if age > staleAge {
		return true
	}
	p, _ := parseLock(content)
	if p == "" {
		// Empty: its creator died between creating and writing it (a
		// live one writes its pid at once).
		return age > emptyStaleAge
	}
	pid, err := strconv.Atoi(p)
	if err != nil || pid <= 0 {
		return false
	}
	return !pidlock.Alive(pid)
}

// appendMark starts the second line of a mailsync dotlock while an append
// is under way: "append-from SIZE", the mailbox's size before it. If the
// process dies, whoever takes the lock over can cut the unfinished
// message off. Other programs read only the pid on the first line.
const appendMark = "append-from "

// parseLock returns the pid (first line) of a dotlock's content and the
// size its appendMark line names (-1 without one).
func parseLock(b []byte) (pid string, size int64) {
	_, rest, _ := strings.Cut(string(b), "\n")
	size = -1
	if v, ok := strings.CutPrefix(strings.TrimSpace(rest), appendMark); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			size = n
		}
	}
	return pidlock.PID(b), size
}

// fcntlLock takes (typ F_RDLCK or F_WRLCK) or releases (F_UNLCK) a POSIX
// record lock on the whole file, waiting up to wait
// (store.Env.LockTimeout).
func fcntlLock(f *os.File, typ int16, wait time.Duration) error {
	lk := syscall.Flock_t{Type: typ, Whence: 0}
	err := retry(wait, func() (bool, error) {
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		if err == nil {
			return true, nil
		}
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			return false, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return nil
}
