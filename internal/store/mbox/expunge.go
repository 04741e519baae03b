package mbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
)

// Expunge removes every message flagged deleted (in the file or in this
// session). It first picks up mail appended since the scan, then writes
// the remaining bytes unchanged into a new file beside the old one, fsyncs
// it, renames it over the old one and fsyncs the directory.
func (b *Box) Expunge(ctx context.Context) (int, error) {
	if b.mode != store.ReadWrite {
		return 0, fmt.Errorf("expunge %s: %w", b.path, store.ErrReadOnly)
	}
	if b.onlyOwnCleanAppends() {
		return 0, nil
	}
	if err := b.rescan(nil); err != nil {
		return 0, fmt.Errorf("expunge: %w", err)
	}
	n := 0
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	st, err := b.f.Stat()
	if err != nil {
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	dir := filepath.Dir(b.path)
	nf, err := os.CreateTemp(dir, "."+filepath.Base(b.path)+".mailsync-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	tmp := nf.Name()
	fail := func(err error) (int, error) {
		nf.Close()
		os.Remove(tmp)
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	if err := nf.Chmod(st.Mode().Perm()); err != nil {
		return fail(err)
	}
	if err := fcntlLock(nf, syscall.F_WRLCK, b.env.LockTimeout()); err != nil {
		return fail(err)
	}
	kept, end, err := b.copyKept(nf)
	if err != nil {
		return fail(err)
	}
	if err := nf.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, b.path); err != nil {
		return fail(err)
	}
	if err := syncDir(dir); err != nil {
		b.f.Close()
		b.f = nf
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	b.f.Close()
	b.f = nf
	b.msgs = kept
	b.size = end
	return n, nil
}

// copyKept writes the bytes of every kept message (and anything before the
// first message) to w, returning the kept messages with their new offsets.
// Adjacent kept messages are copied as one run.
func (b *Box) copyKept(w io.Writer) ([]msg, int64, error) {
	kept := make([]msg, 0, len(b.msgs))
	var pos int64
	run := runCopy{w: w, f: b.f}
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			continue
		}
		if len(kept) == 0 && b.msgs[0].start > 0 {
			// The blank space before the first message stays, unless
			// no message does: a file of blank space alone is no mbox.
			if err := run.add(0, b.msgs[0].start); err != nil {
				return nil, 0, err
			}
			pos = b.msgs[0].start
		}
		if len(kept) == 0 && !m.pseudo && m.imap {
			// This message would become the first of the file, where
			// its X-IMAP: header would make it the hidden pseudo
			// message; a fresh pseudo message keeps it visible.
			if err := run.flush(); err != nil {
				return nil, 0, err
			}
			p, err := b.pseudoAt(w, pos)
			if err != nil {
				return nil, 0, err
			}
			kept = append(kept, p)
			pos = p.end
		}
		if err := run.add(m.start, m.end); err != nil {
			return nil, 0, err
		}
		d := pos - m.start
		m.start += d
		m.bodyStart += d
		m.end += d
		pos = m.end
		kept = append(kept, m)
	}
	if err := run.flush(); err != nil {
		return nil, 0, err
	}
	return kept, pos, nil
}

// runCopy copies byte ranges of the old file f to w, adjacent ranges with
// one call.
type runCopy struct {
	w          io.Writer
	f          *os.File
	start, end int64 // the range gathered, not yet copied
}

// add appends the range [start, end) to what is to be copied.
func (r *runCopy) add(start, end int64) error {
	if start != r.end {
		if err := r.flush(); err != nil {
			return err
		}
		r.start = start
	}
	r.end = end
	return nil
}

// flush copies the range gathered.
func (r *runCopy) flush() error {
	if n := r.end - r.start; n > 0 {
		if _, err := io.Copy(r.w, io.NewSectionReader(r.f, r.start, n)); err != nil {
			return err
		}
	}
	r.start = r.end
	return nil
}

// pseudoAt writes a pseudo message in creation form to w at offset pos
// and returns its description.
func (b *Box) pseudoAt(w io.Writer, pos int64) (msg, error) {
	data := PseudoCreate(b.env)
	ms, err := newScanner(bytes.NewReader(data), pos, b.path).scanMessages(nil, true, b.nextKey, nil)
	if err != nil || len(ms) != 1 || !ms[0].pseudo {
		return msg{}, fmt.Errorf("pseudo message does not read back: %v", err)
	}
	if _, err := w.Write(data); err != nil {
		return msg{}, err
	}
	b.nextKey++
	return ms[0], nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// onlyOwnCleanAppends reports that an expunge has nothing to do without
// reading the file again: no message known is flagged deleted, and all
// bytes after the scanned part are our own appends, none flagged
// \Deleted (the file ends where our last append ended).
func (b *Box) onlyOwnCleanAppends() bool {
	if !b.scanned || !b.tail.known || b.appendedDeleted {
		return false
	}
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			return false
		}
	}
	st, err := b.f.Stat()
	return err == nil && st.Size() == b.tail.size
}
