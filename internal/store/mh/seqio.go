package mh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/store/fileio"
)

// seqFileName is the file of a folder's public sequences (nmh's default
// "mh-sequences" profile entry; mutt knows no other name).
const seqFileName = ".mh_sequences"

// seqLockPoll is how often a lock held by another program is tried
// again; how long is the caller's (store.Env.LockTimeout).
const seqLockPoll = 50 * time.Millisecond

// errSeqLocked is returned (wrapped) when the sequence file stayed locked.
var errSeqLocked = errors.New("sequence file is locked by another program")

// seqMu serialises this process's use of sequence files: POSIX record
// locks belong to the process, and closing any descriptor of a file drops
// all of them, so two folders of one process must not overlap here.
var seqMu sync.Mutex

// readSeqFile returns the folder's sequence file, nil when there is none.
// It is read under a shared fcntl lock, so that nmh (which rewrites the
// file in place under an exclusive one) is never seen half-way, and with
// O_NOATIME where allowed. Another program's lock is waited for up to
// wait.
func readSeqFile(ctx context.Context, dir string, wait time.Duration) ([]byte, error) {
	seqMu.Lock()
	defer seqMu.Unlock()
	path := filepath.Join(dir, seqFileName)
	fh, err := openFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read MH sequences: %w", err)
	}
	defer fh.Close()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := seqLock(ctx, fh, syscall.F_RDLCK); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return nil, fmt.Errorf("read MH sequences %s: %w", path, err)
	}
	return data, nil
}

// updateSeqFile rewrites the folder's sequence file with edit(old
// content; nil when there is none). Nothing is written when edit returns
// the content unchanged (or nothing for a file that does not exist).
//
// The file is locked the way nmh locks it by default (an exclusive fcntl
// lock, held from reading to replacing, on the file itself); the new
// content goes to a temporary file beside it, is fsynced and renamed over
// the old one, and the directory is fsynced. When the path names another
// file once the lock is ours (someone renamed a new one in meanwhile) we
// start again with that one. A file that does not exist yet is created
// with a hard link, which fails rather than replace a file someone else
// created meanwhile. Another program's lock is waited for up to wait.
func updateSeqFile(dir string, wait time.Duration, edit func(old []byte) []byte) error {
	seqMu.Lock()
	defer seqMu.Unlock()
	path := filepath.Join(dir, seqFileName)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		fh, writable, err := openSeqForUpdate(path)
		if errors.Is(err, os.ErrNotExist) {
			done, err := createSeqFile(dir, path, edit(nil))
			if done || err != nil {
				return err
			}
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("update MH sequences: %s is a dangling symbolic link", path)
			}
			continue // created by someone else meanwhile
		}
		if err != nil {
			return fmt.Errorf("update MH sequences: %w", err)
		}
		typ := int16(syscall.F_RDLCK)
		if writable {
			typ = syscall.F_WRLCK
		}
		done, err := replaceLocked(ctx, dir, path, fh, typ, edit)
		fh.Close() // after the rename: releases the lock
		if done || err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("update MH sequences %s: %w", path, errSeqLocked)
		}
	}
}

// openSeqForUpdate opens the sequence file read-write (an exclusive lock
// needs it), or read-only when we may not write it in place: a shared
// lock keeps nmh from changing it too, and the rename needs only the
// directory.
func openSeqForUpdate(path string) (fh *os.File, writable bool, err error) {
	fh, err = fileio.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrPermission) {
		fh, err = fileio.Open(path)
		return fh, false, err
	}
	return fh, true, err
}

// replaceLocked locks fh (the file at path) with a lock of type typ, applies edit and renames the
// result over path. done is false when path no longer names fh's file.
func replaceLocked(ctx context.Context, dir, path string, fh *os.File, typ int16, edit func([]byte) []byte) (done bool, err error) {
	if err := seqLock(ctx, fh, typ); err != nil {
		return false, err
	}
	held, err := fh.Stat()
	if err != nil {
		return false, fmt.Errorf("update MH sequences: %w", err)
	}
	if now, err := os.Stat(path); err != nil || !os.SameFile(held, now) {
		return false, nil
	}
	old, err := io.ReadAll(fh)
	if err != nil {
		return false, fmt.Errorf("update MH sequences %s: %w", path, err)
	}
	data := edit(old)
	if string(data) == string(old) {
		return true, nil
	}
	tmp, err := writeSeqTemp(dir, data, held)
	if err != nil {
		return false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return false, fmt.Errorf("update MH sequences: %w", err)
	}
	return true, syncDir(dir)
}

// createSeqFile makes a new sequence file holding data (nothing when data
// is empty). done is false when a sequence file appeared meanwhile.
func createSeqFile(dir, path string, data []byte) (done bool, err error) {
	if len(data) == 0 {
		return true, nil
	}
	tmp, err := writeSeqTemp(dir, data, nil)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("create MH sequences: %w", err)
	}
	return true, syncDir(dir)
}

// writeSeqTemp writes data to a new dot file in dir, fsynced, with the
// permissions (and, for root, the owner) of the file it replaces (0600
// for a new one), and returns its path.
func writeSeqTemp(dir string, data []byte, like os.FileInfo) (_ string, err error) {
	f, err := os.CreateTemp(dir, seqFileName+".mailsync-*")
	if err != nil {
		return "", fmt.Errorf("update MH sequences: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	perm := os.FileMode(0o600)
	if like != nil {
		perm = like.Mode().Perm()
		if st, ok := like.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
			if err := f.Chown(int(st.Uid), int(st.Gid)); err != nil {
				return "", fmt.Errorf("update MH sequences: %w", err)
			}
		}
	}
	if err := f.Chmod(perm); err != nil {
		return "", fmt.Errorf("update MH sequences: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return "", fmt.Errorf("update MH sequences: %w", err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("update MH sequences: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("update MH sequences: %w", err)
	}
	return f.Name(), nil
}

// seqLock takes a POSIX record lock (typ F_RDLCK or F_WRLCK) on the whole
// file, polling until ctx ends. A file system without record locks
// (ENOLCK, e.g. NFS without a lock daemon) is used unlocked, as mutt
// always does.
func seqLock(ctx context.Context, fh *os.File, typ int16) error {
	lk := syscall.Flock_t{Type: typ}
	for {
		err := syscall.FcntlFlock(fh.Fd(), syscall.F_SETLK, &lk)
		if err == nil || errors.Is(err, syscall.ENOLCK) {
			return nil
		}
		if !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EACCES) {
			return fmt.Errorf("lock %s: %w", fh.Name(), err)
		}
		t := time.NewTimer(seqLockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("lock %s: %w", fh.Name(), errSeqLocked)
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}
