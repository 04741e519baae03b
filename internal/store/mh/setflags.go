package mh

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.FlagSetter = (*Folder)(nil)

// SetFlags implements store.FlagSetter ("Flag changes" in the package
// comment). \Seen is set at once in the message file's access time (the
// modification time, the internal date, stays as it is); \Answered,
// \Flagged and \Draft are noted and written to .mh_sequences by Close,
// with this session's other sequence changes, in one locked rewrite that
// changes only our numbers in our sequences. A message whose file is gone
// is skipped. Close also fsyncs the files whose times changed.
func (f *Folder) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if f.closed {
		return fmt.Errorf("MH folder %s: closed", f.dir)
	}
	if f.mode != store.ReadWrite {
		return fmt.Errorf("set flags in MH folder %s: %w", f.dir, store.ErrReadOnly)
	}
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		add, remove := c.Synced()
		if add|remove == 0 {
			continue
		}
		path, err := f.fileName(c.Key)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed since it was listed
		}
		if err != nil {
			return fmt.Errorf("set flags in MH folder %s: %w", f.dir, err)
		}
		if (add|remove)&store.Seen != 0 {
			changed, err := f.setSeen(path, add&store.Seen != 0)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("set flags in MH folder %s: %w", f.dir, err)
			}
			if changed {
				f.touched = append(f.touched, path)
			}
		}
		if f.seqChanges == nil {
			f.seqChanges = map[uint64]seqChange{}
		}
		old, ok := f.seqChanges[c.Key]
		if !ok {
			old = seqChange{edit: true}
		}
		f.seqChanges[c.Key] = old.with(add, remove)
	}
	return nil
}

// setSeen gives the message file at path the access time c-client reads
// as seen or unseen (see times): seen, an access time at least a second
// after the modification time (now when that is later); unseen, the
// modification time itself. The modification time is left alone. changed
// is false when the file already reads as asked.
func (f *Folder) setSeen(path string, seen bool) (changed bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	mtime := fi.ModTime()
	if accessTime(fi).Unix() > mtime.Unix() == seen {
		return false, nil
	}
	atime := mtime
	if seen {
		atime = mtime.Truncate(time.Second).Add(time.Second)
		if now := f.env.Time().Truncate(time.Second); now.After(atime) {
			atime = now
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), {Nsec: unix.UTIME_OMIT}}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, 0); err != nil {
		return false, &os.PathError{Op: "utimensat", Path: path, Err: err}
	}
	return true, nil
}

// syncWorkers is how many files syncFiles fsyncs at once: concurrent
// fsyncs let the file system commit them together.
const syncWorkers = 4

// syncFiles fsyncs the files at paths (their new times), a few at once.
// A file removed meanwhile needs nothing.
func syncFiles(paths []string) error {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	next := make(chan string)
	for range min(syncWorkers, len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				err := syncFile(p)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	return first
}

func syncFile(path string) error {
	fh, err := openFile(path)
	if err != nil {
		return err
	}
	err = fh.Sync()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
