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

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// maxNameTries bounds the search for an unused name.
const maxNameTries = 100

// Append delivers m (see the package comment): tmp/, fsync, link into
// new/ (no flags) or cur/ (flags), fsync the directory. When it returns
// nil the message is durable.
func (b *Box) Append(ctx context.Context, m store.NewMessage) error {
	if err := b.check("append to", true); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !b.scanned {
		if _, err := b.scan(); err != nil {
			return err
		}
	}
	now := time.Now()
	st := stamp{now.Unix(), int64(now.Nanosecond() / 1000)}
	if !st.after(b.last) {
		st = b.last.next()
	}
	host := hostPart(b.env.Host)
	tmp, base, size, vsize, err := b.writeTemp(m, st, host)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	sub, info := "new", ""
	if l := letters(m.Flags & store.CopiedFlags); l != "" {
		sub, info = "cur", string(infoSep)+"2,"+l
	}
	var uniq string
	for i := 0; ; i++ {
		uniq = fmt.Sprintf("%s,S=%d,W=%d", base, size, vsize)
		err := link(tmp, filepath.Join(b.dir, sub, uniq+info))
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i == maxNameTries {
			return fmt.Errorf("append to Maildir %s: %w", b.dir, err)
		}
		b.q++ // another writer took the name: take the next counter
		base = uniqBase(st, b.q, host)
	}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("append to Maildir: %w", err)
	}
	if err := syncDir(filepath.Join(b.dir, sub)); err != nil {
		return err
	}
	b.last = st
	key := b.nextKey
	b.nextKey++
	b.keys[uniq] = key
	b.files[key] = parseName(sub, uniq+info)
	return nil
}

// uniqBase is the unique part without its S= and W= fields.
func uniqBase(st stamp, q uint64, host string) string {
	return fmt.Sprintf("%d.M%06dP%dQ%d.%s", st.sec, st.usec, os.Getpid(), q, host)
}

// link gives tmp the name dst without ever replacing an existing file:
// link(2) as the Maildir specification has it, or, on file systems
// without hard links, rename(2) after checking that dst is free.
func link(tmp, dst string) error {
	err := os.Link(tmp, dst)
	if err == nil || errors.Is(err, os.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(dst); serr == nil {
		return os.ErrExist
	}
	if rerr := os.Rename(tmp, dst); rerr != nil {
		return fmt.Errorf("%w (rename: %v)", err, rerr)
	}
	return nil
}

// writeTemp writes the message to tmp/ with LF line ends, sets its times,
// fsyncs and closes it. It returns its path, its unique part without
// sizes, and its file and wire sizes.
func (b *Box) writeTemp(m store.NewMessage, st stamp, host string) (path, base string, size, vsize int64, err error) {
	var fh *os.File
	for i := 0; ; i++ {
		b.q++
		base = uniqBase(st, b.q, host)
		path = filepath.Join(b.dir, "tmp", base)
		fh, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i == maxNameTries {
			return "", "", 0, 0, fmt.Errorf("append to Maildir %s: %w", b.dir, err)
		}
	}
	tmp := path
	defer func() {
		if err != nil {
			fh.Close()
			os.Remove(tmp)
		}
	}()
	w := bufio.NewWriter(fh)
	lf := lineend.NewLFWriter(w)
	n, err := io.Copy(lf, io.LimitReader(m.Body, m.Size))
	if err != nil {
		return "", "", 0, 0, fmt.Errorf("append to Maildir %s: reading message: %w", b.dir, err)
	}
	if n != m.Size {
		return "", "", 0, 0, fmt.Errorf("append to Maildir %s: message has %d bytes, want %d", b.dir, n, m.Size)
	}
	if err = lf.Flush(); err == nil {
		err = w.Flush()
	}
	if err != nil {
		return "", "", 0, 0, fmt.Errorf("append to Maildir: %w", err)
	}
	date := m.InternalDate
	if date.IsZero() {
		date = b.env.Time()
	}
	date = date.Truncate(time.Second)
	// Times first, then fsync, so that the modification time is durable
	// together with the data.
	if err = os.Chtimes(path, date, date); err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", 0, 0, fmt.Errorf("append to Maildir: %w", err)
	}
	return path, base, lf.N, lf.N + lf.BareLF, nil
}

// MarkDeleted adds T to the info of the given messages by renaming each
// into cur/ (atomic); a message in new/ moves to cur/. A message another
// program removed since it was listed is skipped (it is gone, as asked);
// a key never given out is an error.
func (b *Box) MarkDeleted(ctx context.Context, keys []uint64) error {
	if err := b.check("mark deleted in", true); err != nil {
		return err
	}
	dirs := map[string]bool{}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := b.markOne(key, dirs)
		if errors.Is(err, os.ErrNotExist) {
			delete(b.files, key) // renamed meanwhile: find it again
			err = b.markOne(key, dirs)
		}
		if err != nil {
			return fmt.Errorf("mark deleted in Maildir %s: %w", b.dir, err)
		}
	}
	for d := range dirs {
		if err := syncDir(filepath.Join(b.dir, d)); err != nil {
			return err
		}
	}
	return nil
}

func (b *Box) markOne(key uint64, dirs map[string]bool) error {
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
	dirs[f.sub], dirs["cur"] = true, true
	b.files[key] = parseName("cur", name)
	return nil
}

// Expunge unlinks every message whose info has T and returns how many it
// removed (a file that vanished meanwhile is not counted).
func (b *Box) Expunge(ctx context.Context) (int, error) {
	if err := b.check("expunge", true); err != nil {
		return 0, err
	}
	fs, err := b.scan()
	if err != nil {
		return 0, err
	}
	n := 0
	dirs := map[string]bool{}
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
		dirs[f.sub] = true
		n++
	}
	for d := range dirs {
		if err := syncDir(filepath.Join(b.dir, d)); err != nil {
			return n, err
		}
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
