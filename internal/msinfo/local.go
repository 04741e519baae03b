package msinfo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/mbox"
)

// Options configure an msinfo File.
type Options struct {
	Env      store.Env
	MD5      bool
	Notes    io.Writer // "Info: The msinfo box ..." notes and md5 warnings (stderr)
	ReadOnly bool      // diff mode: never create, lock or write (doc/design/decisions.md#d4-dry-runs)
}

func (o Options) notes() io.Writer {
	if o.Notes == nil {
		return io.Discard
	}
	return o.Notes
}

// File is an opened msinfo.
type File interface {
	// Load returns the channel's state: the last entry whose Subject is the
	// channel (doc/design/decisions.md#d9-msinfo-safety); an empty State if
	// there is none.
	Load(ctx context.Context, channel string) (State, error)
	// Save replaces the channel's entry by one holding s.
	Save(ctx context.Context, channel string, s State) error
	// Close releases the lock.
	Close() error
}

type localFile struct {
	path, display string
	opt           Options
	lock          string
}

// OpenLocal opens the local msinfo file at path (already resolved);
// displayName is the msinfo name as configured. Unless ReadOnly it takes
// the lock PATH.lock and creates a missing file as 5.2.7 does.
func OpenLocal(path, displayName string, opt Options) (File, error) {
	lf := &localFile{path: path, display: displayName, opt: opt}
	if opt.ReadOnly {
		return lf, nil
	}
	lock := path + ".lock"
	if err := takeLock(lock, displayName, opt.notes()); err != nil {
		return nil, err
	}
	lf.lock = lock
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := mbox.Create(path, opt.Env); err != nil && !errors.Is(err, store.ErrExists) {
			lf.Close()
			return nil, fmt.Errorf("create msinfo %s: %w", displayName, err)
		}
	} else if err != nil {
		lf.Close()
		return nil, fmt.Errorf("msinfo %s: %w", displayName, err)
	}
	return lf, nil
}

// read parses the file; a missing file is an empty mailbox. It returns
// the file's bytes too (the parsed messages point into them).
func (lf *localFile) read() (*mbox.RawFile, []byte, error) {
	data, err := os.ReadFile(lf.path)
	if errors.Is(err, os.ErrNotExist) {
		return &mbox.RawFile{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read msinfo %s: %w", lf.display, err)
	}
	rf, err := mbox.ParseBytes(data, lf.path)
	if err != nil {
		return nil, nil, fmt.Errorf("read msinfo %s: %w", lf.display, err)
	}
	return rf, data, nil
}

func (lf *localFile) Load(ctx context.Context, channel string) (State, error) {
	rf, _, err := lf.read()
	if err != nil {
		return nil, err
	}
	entries := make([]entry, len(rf.Messages))
	for i, m := range rf.Messages {
		entries[i] = newEntry(m.Header, m.Body)
	}
	return pick(entries, channel, lf.display, lf.opt.MD5, lf.opt.notes()), nil
}

// Save writes the new file beside the old one: what c-client's read-write
// open, expunge of the channel's old entries and append would produce. The
// new entry is formatted as it is written, never whole in memory.
func (lf *localFile) Save(ctx context.Context, channel string, s State) error {
	if lf.opt.ReadOnly {
		return fmt.Errorf("save msinfo %s: %w", lf.display, store.ErrReadOnly)
	}
	rf, data, err := lf.read()
	if err != nil {
		return err
	}
	changed := rf.AssignUIDs(lf.opt.Env)
	kept := rf.Messages[:0:0]
	for _, m := range rf.Messages {
		e := newEntry(m.Header, m.Body)
		if e.subject == channel && e.hasSubj {
			changed = true
			continue
		}
		kept = append(kept, m)
	}
	rf.Messages = kept
	out := data
	if changed {
		out = rf.Rewrite(lf.opt.Env)
	}
	if len(out) == 0 && len(rf.Messages) == 0 && !rf.Pseudo {
		out = mbox.PseudoCreate(lf.opt.Env)
	}
	return writeAtomic(lf.path, func(w io.Writer) error {
		if _, err := w.Write(out); err != nil {
			return err
		}
		body := newMessageReader(header(channel), s, lf.opt.MD5)
		if _, err := mbox.WriteAppend(w, lf.opt.Env, store.NewMessage{InternalDate: lf.opt.Env.Time(), Body: body}); err != nil {
			return fmt.Errorf("save msinfo %s: %w", lf.display, err)
		}
		return nil
	})
}

// writeAtomic writes what write writes to a temporary file in path's
// directory (0600), fsyncs it, renames it over path and fsyncs the
// directory.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, "."+filepath.Base(path)+".tmp-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

func (lf *localFile) Close() error { return releaseLock(&lf.lock, lf.display) }

// releaseLock removes the lock file *lock (if any) and forgets it.
func releaseLock(lock *string, display string) error {
	if *lock == "" {
		return nil
	}
	err := os.Remove(*lock)
	*lock = ""
	if err != nil {
		return fmt.Errorf("unlock msinfo %s: %w", display, err)
	}
	return nil
}
