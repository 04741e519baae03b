package mbox

import (
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
	if err := b.rescan(); err != nil {
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
	tmp := filepath.Join(dir, "."+filepath.Base(b.path)+".mailsync-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(now().UnixNano(), 36))
	nf, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if err != nil {
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	fail := func(err error) (int, error) {
		nf.Close()
		os.Remove(tmp)
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	if err := nf.Chmod(st.Mode().Perm()); err != nil {
		return fail(err)
	}
	if err := fcntlLock(nf, syscall.F_WRLCK); err != nil {
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
	b.index = map[uint64]int{}
	b.size = end
	for i, m := range kept {
		b.index[m.key] = i
	}
	return n, nil
}

// copyKept writes the bytes of every kept message (and anything before the
// first message) to w, returning the kept messages with their new offsets.
func (b *Box) copyKept(w io.Writer) ([]msg, int64, error) {
	var kept []msg
	var pos int64
	if len(b.msgs) > 0 && b.msgs[0].start > 0 {
		if _, err := io.Copy(w, io.NewSectionReader(b.f, 0, b.msgs[0].start)); err != nil {
			return nil, 0, err
		}
		pos = b.msgs[0].start
	}
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			continue
		}
		if _, err := io.Copy(w, io.NewSectionReader(b.f, m.start, m.end-m.start)); err != nil {
			return nil, 0, err
		}
		d := pos - m.start
		m.start += d
		m.hdrStart += d
		m.bodyStart += d
		m.bodyEnd += d
		m.end += d
		pos = m.end
		kept = append(kept, m)
	}
	return kept, pos, nil
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
