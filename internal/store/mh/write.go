package mh

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
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// maxLinkTries bounds the search for a free message number when other
// writers keep taking the next one.
const maxLinkTries = 1000

// Append stores m as the next message number. The message is written to
// a temporary file with LF line ends (CR before LF removed), fsynced, its
// modification time set to m.InternalDate (now when zero) and its access
// time set so that it reads back Seen exactly when m.Flags has Seen; then
// it is hard-linked to the first number above every existing one that is
// still free, so no message is ever overwritten. \Answered, \Flagged and
// \Draft are kept in memory and written to .mh_sequences by Close (a
// sync appends thousands of messages: one rewrite, not one each); the
// directory is fsynced by Close too. \Deleted is not kept (c-client
// stores it nowhere either).
func (f *Folder) Append(ctx context.Context, m store.NewMessage) error {
	if f.closed {
		return fmt.Errorf("MH folder %s: closed", f.dir)
	}
	if f.mode != store.ReadWrite {
		return fmt.Errorf("append to MH folder %s: %w", f.dir, store.ErrReadOnly)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.Size <= 0 {
		return fmt.Errorf("append to MH folder %s: zero-length message", f.dir)
	}
	tmp, err := f.writeTemp(m)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	n, err := f.linkNext(tmp)
	if err != nil {
		return err
	}
	f.unsynced = true
	if f.seqChanges == nil {
		f.seqChanges = map[uint64]seqChange{}
	}
	f.seqChanges[n] = seqChange{flags: m.Flags & store.CopiedFlags}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("append to MH folder: %w", err)
	}
	return nil
}

// writeTemp writes the message to a new dot file in the folder and
// returns its path. The file is fsynced and carries its final times.
func (f *Folder) writeTemp(m store.NewMessage) (_ string, err error) {
	file, err := os.CreateTemp(f.dir, ".mailsync-append-*")
	if err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	path := file.Name()
	defer func() {
		if err != nil {
			file.Close()
			os.Remove(path)
		}
	}()
	if err := file.Chmod(0o600); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	w := bufio.NewWriter(file)
	lf := lineend.NewLFWriter(w)
	n, err := io.Copy(lf, io.LimitReader(m.Body, m.Size))
	if err != nil {
		return "", fmt.Errorf("append to MH folder %s: reading message: %w", f.dir, err)
	}
	if n != m.Size {
		return "", fmt.Errorf("append to MH folder %s: message has %d bytes, want %d", f.dir, n, m.Size)
	}
	if err := lf.Flush(); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	if err := file.Sync(); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	if err := file.Close(); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	mtime, atime := f.times(m)
	if err := os.Chtimes(path, atime, mtime); err != nil {
		return "", fmt.Errorf("append to MH folder: %w", err)
	}
	return path, nil
}

// times returns the modification and access time for a new message: the
// internal date (whole seconds), and an access time equal to it (unseen)
// or later by at least a second (seen; now when now is later).
func (f *Folder) times(m store.NewMessage) (mtime, atime time.Time) {
	mtime = m.InternalDate
	if mtime.IsZero() {
		mtime = f.env.Time()
	}
	mtime = mtime.Truncate(time.Second)
	atime = mtime
	if m.Flags&store.Seen != 0 {
		atime = mtime.Add(time.Second)
		if now := f.env.Time().Truncate(time.Second); now.After(atime) {
			atime = now
		}
	}
	return mtime, atime
}

// linkNext links tmp to the lowest free number above the highest message.
// The folder is scanned once per session; later appends continue from the
// number after the last one linked (a scan per append made appends
// quadratic).
func (f *Folder) linkNext(tmp string) (uint64, error) {
	next := f.next
	if next == 0 {
		ents, err := f.scan()
		if err != nil {
			return 0, err
		}
		next = 1
		if len(ents) > 0 {
			next = ents[len(ents)-1].num + 1
		}
	}
	for i := 0; i < maxLinkTries; i++ {
		err := os.Link(tmp, filepath.Join(f.dir, strconv.FormatUint(next, 10)))
		if err == nil {
			f.next = next + 1
			return next, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return 0, fmt.Errorf("append to MH folder: %w", err)
		}
		next++
	}
	return 0, fmt.Errorf("append to MH folder %s: no free message number found", f.dir)
}

// MarkDeleted marks messages for the next Expunge. MH stores no flags, so
// the marks live only as long as the Folder is open.
func (f *Folder) MarkDeleted(ctx context.Context, keys []uint64) error {
	if f.closed {
		return fmt.Errorf("MH folder %s: closed", f.dir)
	}
	if f.mode != store.ReadWrite {
		return fmt.Errorf("mark deleted in MH folder %s: %w", f.dir, store.ErrReadOnly)
	}
	for _, k := range keys {
		f.deleted[k] = true
	}
	return nil
}

// Expunge removes the files of the messages marked deleted and returns
// how many it removed. A marked file that vanished meanwhile is not
// counted. Each removal is atomic; the directory is fsynced at the end.
// The numbers removed leave the sequences this package reads (see
// applySeqChanges) when Close writes .mh_sequences.
func (f *Folder) Expunge(ctx context.Context) (int, error) {
	f.next = 0 // numbers may be free again: the next append scans
	if f.closed {
		return 0, fmt.Errorf("MH folder %s: closed", f.dir)
	}
	if f.mode != store.ReadWrite {
		return 0, fmt.Errorf("expunge MH folder %s: %w", f.dir, store.ErrReadOnly)
	}
	ents, err := f.scan()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if !f.deleted[e.num] {
			continue
		}
		if err := os.Remove(filepath.Join(f.dir, e.name)); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return n, fmt.Errorf("expunge MH folder: %w", err)
		}
		if f.seqChanges == nil {
			f.seqChanges = map[uint64]seqChange{}
		}
		f.seqChanges[e.num] = seqChange{gone: true}
		n++
	}
	f.deleted = map[uint64]bool{}
	if n > 0 {
		if err := syncDir(f.dir); err != nil {
			return n, err
		}
	}
	return n, nil
}

// syncDir fsyncs a directory so that links and removals in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
