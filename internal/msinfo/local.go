package msinfo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mailsync/mailsync/internal/atomicfile"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/mbox"
)

// Options configure an msinfo File.
type Options struct {
	Env store.Env
	MD5 bool
	// Notes receives what reading the msinfo tells the user (a stale
	// lock taken over, foreign messages, md5 lines without their md5:
	// store.Note values the printer words); nil discards them.
	Notes    func(store.Note)
	ReadOnly bool // diff mode: never create, lock or write (doc/design/decisions.md#d4-dry-runs)
}

// notes returns o.Notes, or a function that discards.
func (o Options) notes() func(store.Note) {
	if o.Notes == nil {
		return func(store.Note) {}
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

// read reads the msinfo file whole; a missing file is an empty mailbox.
func (lf *localFile) read() (*mbox.Whole, error) {
	w, err := mbox.ReadWhole(lf.path)
	if err != nil {
		return nil, fmt.Errorf("read msinfo %s: %w", lf.display, err)
	}
	return w, nil
}

func (lf *localFile) Load(ctx context.Context, channel string) (State, error) {
	w, err := lf.read()
	if err != nil {
		return nil, err
	}
	msgs := w.Messages()
	entries := make([]entry, len(msgs))
	for i, m := range msgs {
		entries[i] = newEntry(m.Header, m.Body)
	}
	return pick(entries, channel, lf.display, lf.opt.MD5, lf.opt.notes()), nil
}

// Save writes the new file beside the old one and renames it over: what
// c-client's read-write open, expunge of the channel's old entries and
// append would leave in the file (mbox.Whole.Replace, the bytes 5.2.7
// writes). The new entry is formatted as it is written, never whole in
// memory.
func (lf *localFile) Save(ctx context.Context, channel string, s State) error {
	if lf.opt.ReadOnly {
		return fmt.Errorf("save msinfo %s: %w", lf.display, store.ErrReadOnly)
	}
	w, err := lf.read()
	if err != nil {
		return err
	}
	msgs := w.Messages()
	old := func(i int) bool {
		e := newEntry(msgs[i].Header, msgs[i].Body)
		return e.hasSubj && e.subject == channel
	}
	entry := store.NewMessage{InternalDate: lf.opt.Env.Time(), Body: newMessageReader(header(channel), s, lf.opt.MD5)}
	err = atomicfile.Write(lf.path, "."+filepath.Base(lf.path)+".tmp-"+strconv.Itoa(os.Getpid())+"-*", func(out io.Writer) error {
		if err := w.Replace(out, lf.opt.Env, old, entry); err != nil {
			return fmt.Errorf("save msinfo %s: %w", lf.display, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", lf.path, err)
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
