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
// do, taking over stale locks (older than staleAge, or whose pid is gone).
// A stale lock taken over is reported on notes (nil: not reported). When
// that lock was a mailsync's that died in the middle of an append (its
// lock names the size the mailbox had before: appendMark), unfinished is
// that size; else -1.
func dotlock(path string, notes io.Writer) (name string, unfinished int64, err error) {
	name = path + ".lock"
	unfinished = -1
	deadline := time.Now().Add(lockTimeout)
	for {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(name)
				return "", -1, fmt.Errorf("write lock %s: %w", name, errors.Join(werr, cerr))
			}
			return name, unfinished, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", -1, fmt.Errorf("create lock %s: %w", name, err)
		}
		if stale(name) {
			owner, _ := os.ReadFile(name)
			pid, size := parseLock(owner)
			if notes != nil {
				fmt.Fprintf(notes, "Info: taking over the stale lock %s (pid %s is gone or the lock is older than %v)\n",
					name, pid, staleAge)
			}
			unfinished = size
			os.Remove(name)
			continue
		}
		if time.Now().After(deadline) {
			return "", -1, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		time.Sleep(lockPoll)
	}
}

// stale reports whether the lock file is old or names a dead process.
func stale(name string) bool {
	st, err := os.Stat(name)
	if err != nil {
		return false
	}
	if time.Since(st.ModTime()) > staleAge {
		return true
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return false
	}
	p, _ := parseLock(b)
	if p == "" {
		// Empty: its creator died between creating and writing it (a
		// live one writes its pid at once).
		return time.Since(st.ModTime()) > emptyStaleAge
	}
	pid, err := strconv.Atoi(p)
	if err != nil || pid <= 0 {
		return false
	}
	return !ProcessAlive(pid)
}

// appendMark starts the second line of a mailsync dotlock while an append
// is under way: "append-from SIZE", the mailbox's size before it. If the
// process dies, whoever takes the lock over can cut the unfinished
// message off. Other programs read only the pid on the first line.
const appendMark = "append-from "

// parseLock returns the pid (first line) of a dotlock's content and the
// size its appendMark line names (-1 without one).
func parseLock(b []byte) (pid string, size int64) {
	first, rest, _ := strings.Cut(string(b), "\n")
	size = -1
	if v, ok := strings.CutPrefix(strings.TrimSpace(rest), appendMark); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			size = n
		}
	}
	return strings.TrimSpace(first), size
}

// ProcessAlive reports whether a process with this pid exists.
func ProcessAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
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
