package mbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/pidlock"
)

// Lock timing, variables so tests can shorten them.
var (
	// lockTimeout is how long Open waits for another program's lock.
	lockTimeout = 60 * time.Second
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
// do, taking over stale locks (older than staleAge, or whose pid is gone)
// atomically (package pidlock). A stale lock taken over is reported on
// notes (nil: not reported). When that lock was a mailsync's that died
// in the middle of an append (its lock names the size the mailbox had
// before: appendMark), unfinished is that size; else -1.
func dotlock(path string, notes io.Writer) (name string, unfinished int64, err error) {
	name = path + ".lock"
	unfinished = -1
	deadline := time.Now().Add(lockTimeout)
	for {
		err := pidlock.Create(name, pidlock.Content(), 0o644, false)
		if err == nil {
			return name, unfinished, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", -1, err
		}
		owner, took, err := pidlock.TakeOver(name, stale)
		if err != nil {
			return "", -1, err
		}
		if took {
			pid, size := parseLock(owner)
			if notes != nil {
				fmt.Fprintf(notes, "Info: taking over the stale lock %s (pid %s is gone or the lock is older than %v)\n",
					name, pid, staleAge)
			}
			unfinished = size
			continue
		}
		if time.Now().After(deadline) {
			return "", -1, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		time.Sleep(lockPoll)
	}
}

// stale reports whether a dotlock with this content and file info is old
// or names a dead process (pidlock.StaleFunc).
func stale(content []byte, fi os.FileInfo) bool {
	if time.Since(fi.ModTime()) > staleAge {
		return true
	}
	p, _ := parseLock(content)
	if p == "" {
		// Empty: its creator died between creating and writing it (a
		// live one writes its pid at once).
		return time.Since(fi.ModTime()) > emptyStaleAge
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
// record lock on the whole file, waiting up to lockTimeout.
func fcntlLock(f *os.File, typ int16) error {
	lk := syscall.Flock_t{Type: typ, Whence: 0}
	deadline := time.Now().Add(lockTimeout)
	for {
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EACCES) {
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lock %s: %w", f.Name(), ErrLocked)
		}
		time.Sleep(lockPoll)
	}
}
