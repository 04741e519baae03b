// Package pidlock owns the mechanics of lock files that name their
// owner's process id: creating one exclusively, telling whether a process
// is alive, and taking a stale lock over atomically. What a lock file
// holds beyond the pid on its first line, and when it counts as stale,
// is its user's business: the mbox dot-lock BOX.lock (c-client and mutt
// compatible, package mbox) and the msinfo lock MSINFO.lock (package
// msinfo). doc/design/state.md, "Locks".
//
// Taking over is the delicate part: two runs that find the same stale
// lock must not both end up owning the lock. A run that removes the
// stale lock and creates its own can otherwise have it removed by a
// second run that judged the old lock stale a moment before. TakeOver
// therefore serialises takeovers with an flock(2) on the lock's
// directory and checks again, under that guard, that the file it is
// about to remove is the same stale one (same inode, still stale);
// ownership itself is only ever granted by Create's O_EXCL.
package pidlock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Create creates the lock file path exclusively (O_EXCL) with content and
// mode perm, fsyncing it when sync is set. A lock that exists already
// gives an error that errors.Is os.ErrExist; a lock whose content could
// not be written completely is removed again.
func Create(path string, content []byte, perm os.FileMode, sync bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		return fmt.Errorf("create lock %s: %w", path, err)
	}
	_, werr := f.Write(content)
	var serr error
	if sync {
		serr = f.Sync()
	}
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return fmt.Errorf("write lock %s: %w", path, err)
	}
	return nil
}

// Content is the usual content of a lock: our pid and a newline.
func Content() []byte { return []byte(strconv.Itoa(os.Getpid()) + "\n") }

// PID returns the first line of a lock's content without blanks: the
// owner's pid as written ("" for an empty lock).
func PID(content []byte) string {
	first, _, _ := bytes.Cut(content, []byte("\n"))
	return string(bytes.TrimSpace(first))
}

// Alive reports whether a process with this pid exists (signal 0; a
// process of another user counts as alive).
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// StaleFunc decides whether a lock with this content and file info may
// be taken over.
type StaleFunc func(content []byte, fi os.FileInfo) bool

// TakeOver removes the lock file path if stale says it is stale, and
// returns the content it had. removed is false (and nothing is done)
// when the lock is gone or not stale, also when it stopped being stale
// or was replaced since the caller looked: the caller then tries Create
// again or waits. After a removal the caller must still win Create
// against other runs; exactly one does.
//
// Takeovers of locks in one directory are serialised by an flock on the
// directory; where the file system refuses that lock (some network file
// systems), TakeOver carries on without it.
func TakeOver(path string, stale StaleFunc) (content []byte, removed bool, err error) {
	if guard, err := os.Open(filepath.Dir(path)); err == nil {
		defer guard.Close()
		if syscall.Flock(int(guard.Fd()), syscall.LOCK_EX) == nil {
			defer syscall.Flock(int(guard.Fd()), syscall.LOCK_UN)
		}
	}
	// The lock stays open until it is judged and moved: its inode cannot
	// be given to another file meanwhile, so the same inode is the same
	// lock.
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read lock %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("read lock %s: %w", path, err)
	}
	if content, err = io.ReadAll(f); err != nil {
		return nil, false, fmt.Errorf("read lock %s: %w", path, err)
	}
	if !stale(content, fi) {
		return nil, false, nil
	}
	// Move the lock aside to a name of our own (hidden, and one that
	// mailbox listings skip like an mbox expunge's temporary file) and
	// check that what moved is the file judged stale: a lock made since
	// (its owner released the old one and another program, which does not
	// take this guard, made a new one) is put back. Should yet another
	// lock appear in that instant, link fails and the moved one stays
	// aside: the one case left, which needs three programs within
	// microseconds around a lock that is stale by age.
	aside := asideName(path, fi)
	if err := os.Rename(path, aside); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("take over lock %s: %w", path, err)
	}
	if moved, err := os.Stat(aside); err != nil || !os.SameFile(moved, fi) {
		// Not the stale file: give it back (link fails rather than
		// replace a lock made meanwhile).
		if lerr := os.Link(aside, path); lerr == nil {
			os.Remove(aside)
		}
		return nil, false, nil
	}
	if err := os.Remove(aside); err != nil {
		return nil, false, fmt.Errorf("remove stale lock %s: %w", path, err)
	}
	return content, true, nil
}

// asideName is where TakeOver moves the lock path (file info fi) before
// removing it: .BASE.mailsync-stale-PID-INODE in its directory. Only a
// crash at that instant leaves it behind; nothing reads it.
func asideName(path string, fi os.FileInfo) string {
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".mailsync-stale-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(ino, 36))
}
