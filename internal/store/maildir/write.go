package maildir

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/fileio"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// maxNameTries bounds the search for an unused name.
const maxNameTries = 100

// Append delivers m (see the package comment): tmp/, fsync, move into
// new/ (no flags) or cur/ (flags) without replacing any file. The fsync
// and the move may happen after Append returns (delivery.go): the
// message is visible to this Box's other methods at once, in the
// directory once its data is durable, and durable under its name once
// Close returns nil (Close also fsyncs the directories Append changed,
// once per directory instead of once per message); a delivery that fails
// after Append returned makes Close fail.
func (b *Box) Append(ctx context.Context, m store.NewMessage) error {
	if err := b.check("append to", true); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !b.scanned {
		if _, _, err := b.scan(); err != nil {
			return err
		}
	}
	now := b.env.Time() // the run's one clock: doc/design/state.md, "One clock"
	st := stamp{now.Unix(), int64(now.Nanosecond() / 1000)}
	if !st.after(b.last) {
		st = b.last.next()
	}
	if b.host == "" {
		b.host = hostPart(b.env.Host)
	}
	host := b.host
	w, err := b.writeTemp(m, st, host)
	if err != nil {
		return err
	}
	b.last = st
	d := &delivery{w: w, st: st, sub: "new", done: make(chan error, 1)}
	if l := letters(m.Flags & store.CopiedFlags); l != "" {
		d.sub, d.info = "cur", string(infoSep)+"2,"+l
	}
	b.deliver(d)
	return nil
}

// move gives the delivery d, whose file is durable, its name in new/ or
// cur/ (another counter when another writer took the name) and enters it
// in the box.
func (b *Box) move(d *delivery) error {
	w := d.w
	base := w.base
	var uniq string
	for i := 0; ; i++ {
		uniq = fmt.Sprintf("%s,S=%d,W=%d", base, w.size, w.vsize)
		err := moveNoReplace(w.path, filepath.Join(b.dir, d.sub, uniq+d.info))
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i == maxNameTries {
			os.Remove(w.path)
			return fmt.Errorf("append to Maildir %s: %w", b.dir, err)
		}
		b.q++ // another writer took the name: take the next counter
		base = uniqBase(d.st, b.q, b.host)
	}
	b.unsynced[d.sub] = true
	key := b.nextKey
	b.nextKey++
	b.keys[uniq] = key
	b.files[key] = parseName(d.sub, uniq+d.info)
	if w.header != nil {
		b.cache().Put(uniq, hdrcache.Entry{Size: w.vsize, Date: w.date, Header: w.header})
	}
	return nil
}

// pid is this process's id, part of every unique name.
var pid = os.Getpid()

// uniqBase is the unique part without its S= and W= fields.
func uniqBase(st stamp, q uint64, host string) string {
	return fmt.Sprintf("%d.M%06dP%dQ%d.%s", st.sec, st.usec, pid, q, host)
}

// moveNoReplace gives tmp the name dst without ever replacing an existing
// file (os.ErrExist when dst exists): rename(2) with RENAME_NOREPLACE, or
// link(2) and unlink(2) as the Maildir specification has it where the
// file system lacks the former, or rename(2) after checking that dst is
// free where it lacks hard links too. On success tmp is gone.
func moveNoReplace(tmp, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dst, unix.RENAME_NOREPLACE)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EEXIST) {
		return os.ErrExist
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.ENOTSUP) {
		return &os.LinkError{Op: "rename", Old: tmp, New: dst, Err: err}
	}
	err = os.Link(tmp, dst)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, os.ErrExist) {
		return os.ErrExist
	}
	if _, serr := os.Lstat(dst); serr == nil {
		return os.ErrExist
	}
	if rerr := os.Rename(tmp, dst); rerr != nil {
		return fmt.Errorf("%w (rename: %v)", err, rerr)
	}
	return nil
}

// written is a message written to tmp/ by writeTemp.
type written struct {
	path, base  string // the file and its unique part without sizes
	size, vsize int64  // file and wire sizes
	date        time.Time
	header      []byte      // its store.HeaderFields as written; nil when unknown
	fh          *fileio.Raw // the file, open
}

// maxTappedHeader bounds the header section Append keeps for the cache.
const maxTappedHeader = 64 << 10

// writeTemp writes the message to tmp/ with LF line ends and sets its
// times; the file stays open for its delivery to fsync.
func (b *Box) writeTemp(m store.NewMessage, st stamp, host string) (w written, err error) {
	var fh *fileio.Raw
	for i := 0; ; i++ {
		b.q++
		w.base = uniqBase(st, b.q, host)
		w.path = filepath.Join(b.dir, "tmp", w.base)
		fh, err = fileio.OpenRaw(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i == maxNameTries {
			return w, fmt.Errorf("append to Maildir %s: %w", b.dir, err)
		}
	}
	defer func() {
		if err != nil {
			fh.Close()
			os.Remove(w.path)
		}
	}()
	if b.bw == nil {
		b.bw, b.tap = bufio.NewWriterSize(fh, 64<<10), &lineend.HeaderTap{Max: maxTappedHeader}
		b.lf, b.cp = lineend.NewLFWriter(nil), make([]byte, 32<<10)
	}
	bw, tap, lf := b.bw, b.tap, b.lf
	bw.Reset(fh)
	tap.Reset()
	lf.Reset(tee{bw, tap})
	n, err := io.CopyBuffer(lf, io.LimitReader(m.Body, m.Size), b.cp)
	if err != nil {
		return w, fmt.Errorf("append to Maildir %s: reading message: %w", b.dir, err)
	}
	if n != m.Size {
		return w, fmt.Errorf("append to Maildir %s: message has %d bytes, want %d", b.dir, n, m.Size)
	}
	if err = lf.Flush(); err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return w, fmt.Errorf("append to Maildir: %w", err)
	}
	w.date = m.InternalDate
	if w.date.IsZero() {
		w.date = b.env.Time()
	}
	w.date = w.date.Truncate(time.Second)
	// Times first, then fsync (by the delivery), so that the modification
	// time is durable together with the data.
	if err = fileio.SetTimes(fh, w.date, w.date); err != nil {
		return w, fmt.Errorf("append to Maildir: %w", err)
	}
	w.fh = fh
	w.size, w.vsize = lf.N, lf.N+lf.BareLF
	hdr, ok := lineend.HeaderOfInto(b.hdrBuf, tap.Buf, int64(len(tap.Buf)) == lf.N)
	if ok {
		w.header = header.Select(hdr, store.HeaderFields())
	}
	b.hdrBuf = hdr[:0]
	return w, nil
}

// tee writes to a buffered file and a header tap.
type tee struct {
	w   *bufio.Writer
	tap *lineend.HeaderTap
}

func (t tee) Write(p []byte) (int, error) {
	t.tap.Write(p)
	return t.w.Write(p)
}

// MarkDeleted adds T to the info of the given messages by renaming each
// into cur/ (atomic); a message in new/ moves to cur/. Close makes the
// renames durable. A message another
// program removed since it was listed is skipped (it is gone, as asked);
// a key never given out is an error.
func (b *Box) MarkDeleted(ctx context.Context, keys []uint64) error {
	if err := b.check("mark deleted in", true); err != nil {
		return err
	}
	b.finish()
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := b.markOne(key)
		if errors.Is(err, os.ErrNotExist) {
			delete(b.files, key) // renamed meanwhile: find it again
			err = b.markOne(key)
		}
		if err != nil {
			return fmt.Errorf("mark deleted in Maildir %s: %w", b.dir, err)
		}
	}
	return nil
}

func (b *Box) markOne(key uint64) error {
	f, err := b.locate(key)
	if err != nil {
		if key > 0 && key < b.nextKey {
			return nil // listed before, removed since
		}
		return err
	}
	info := addLetter(f.info, 'T')
	if f.sub == "cur" && info == f.info {
		return nil
	}
	name := f.uniq + string(infoSep) + "2," + info
	if err := os.Rename(b.path(f), filepath.Join(b.dir, "cur", name)); err != nil {
		return err
	}
	b.unsynced[f.sub], b.unsynced["cur"] = true, true // Close fsyncs them
	b.trashed++
	b.files[key] = parseName("cur", name)
	return nil
}

// Expunge unlinks every message whose info has T and returns how many it
// removed (a file that vanished meanwhile is not counted). Close makes
// the removals durable.
func (b *Box) Expunge(ctx context.Context) (int, error) {
	if err := b.check("expunge", true); err != nil {
		return 0, err
	}
	b.finish()
	// After a listing, the files it found (with this session's appends
	// and marks) are what to look at: a message another program flags
	// meanwhile is expunged by the next run. Otherwise read the
	// directories.
	var fs []file
	if b.listed && b.trashed == 0 {
		return 0, nil
	}
	if b.listed {
		for _, f := range b.files {
			fs = append(fs, f)
		}
	} else {
		var err error
		if fs, _, err = b.scan(); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, f := range fs {
		if f.flags()&store.Deleted == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := os.Remove(b.path(f)); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return n, fmt.Errorf("expunge Maildir: %w", err)
		}
		delete(b.files, b.keys[f.uniq])
		b.cache().Delete(f.uniq)
		b.unsynced[f.sub] = true // Close fsyncs it
		n++
	}
	return n, nil
}

// syncDir fsyncs a directory so that links, renames and removals in it
// are durable.
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
