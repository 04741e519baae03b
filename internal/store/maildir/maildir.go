package maildir

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/fileio"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// Box is one open Maildir. It implements store.Mailbox.
type Box struct {
	dir    string
	mode   store.Mode
	env    store.Env
	closed bool
	// keys maps unique parts to keys, files keys to the file last seen.
	keys    map[string]uint64
	files   map[uint64]file
	nextKey uint64
	// last is the latest delivery time of any message seen; scanned says
	// whether the directory was read at least once.
	last    stamp
	scanned bool
	// q counts the messages this Box appended (the Q field of new names).
	q uint64
	// kw names the keyword letters (keywords.go), read with each scan.
	kw keywordTable
	// unsynced names the subdirectories ("new", "cur") that Append,
	// MarkDeleted or Expunge changed since their last fsync; Close fsyncs
	// them, once per directory, before the engine records the changes.
	unsynced map[string]bool
	// hdrs is the header cache (nil until first used); listed says
	// whether Messages listed the whole mailbox.
	hdrs   *hdrcache.Cache
	listed bool
	// trashed counts the files with T in the last scan plus the ones
	// MarkDeleted renamed since: Expunge after a listing has nothing to
	// do while it is 0.
	trashed int
	// bw and tap are reused by every Append (a buffer per message costs
	// more than writing it on a RAM disk).
	bw  *bufio.Writer
	tap *lineend.HeaderTap
	lf  *lineend.LFWriter
	cp  []byte // io.CopyBuffer's buffer
	// hdrBuf holds the header section of the message Append wrote last.
	hdrBuf []byte
	// Deliveries (delivery.go): the syncer, the deliveries not yet moved
	// into new/ or cur/, oldest first, and the first that failed.
	syncer   *syncer
	inFlight []*delivery
	failed   error
	// host is the host part of the unique names Append makes ("" until
	// the first).
	host string
}

var _ store.Mailbox = (*Box)(nil)

// Open opens the Maildir dir. The error wraps store.ErrNoMailbox when dir
// does not exist and store.ErrNotMailbox when it is not a Maildir.
// Opening changes nothing on disk.
func Open(dir string, mode store.Mode, env store.Env) (*Box, error) {
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open Maildir %s: %w", dir, store.ErrNoMailbox)
		}
		return nil, fmt.Errorf("open Maildir: %w", err)
	}
	if !IsMaildir(dir) {
		return nil, fmt.Errorf("open Maildir %s: no cur/, new/ and tmp/: %w", dir, store.ErrNotMailbox)
	}
	return &Box{dir: dir, mode: mode, env: env, keys: map[string]uint64{}, files: map[uint64]file{}, nextKey: 1,
		unsynced: map[string]bool{}}, nil
}

func (b *Box) check(what string, write bool) error {
	if b.closed {
		return fmt.Errorf("%s Maildir %s: closed", what, b.dir)
	}
	if write && b.mode != store.ReadWrite {
		return fmt.Errorf("%s Maildir %s: %w", what, b.dir, store.ErrReadOnly)
	}
	return nil
}

// scan reads new/ and cur/ and returns the message files in mailbox order
// and their keys, giving keys to unique parts not seen before.
func (b *Box) scan() ([]file, []uint64, error) {
	var names [2][]string
	for i, sub := range []string{"cur", "new"} {
		var err error
		if names[i], err = readNames(filepath.Join(b.dir, sub)); err != nil {
			return nil, nil, fmt.Errorf("read Maildir %s: %w", b.dir, err)
		}
	}
	fs := make([]file, 0, len(names[0])+len(names[1]))
	for i, sub := range []string{"cur", "new"} {
		for _, name := range names[i] {
			fs = append(fs, parseName(sub, name))
		}
	}
	sortFiles(fs)
	out := fs[:0]
	keys := make([]uint64, 0, len(fs))
	kw, err := readKeywordTable(b.dir)
	if err != nil {
		return nil, nil, err
	}
	b.kw = kw
	b.files = make(map[uint64]file, len(fs))
	if len(b.keys) == 0 {
		b.keys = make(map[string]uint64, len(fs)) // grown once, not a dozen times
	}
	b.trashed = 0
	for i, f := range fs {
		if i > 0 && fs[i-1].uniq == f.uniq {
			continue // the same message in cur/ and new/: cur/ wins
		}
		key, ok := b.keys[f.uniq]
		if !ok {
			key = b.nextKey
			b.nextKey++
			b.keys[f.uniq] = key
		}
		keys = append(keys, key)
		b.files[key] = f
		if f.trashed() {
			b.trashed++
		}
		if st := (stamp{f.sec, f.usec}); st.after(b.last) {
			b.last = st
		}
		out = append(out, f)
	}
	b.scanned = true
	return out, keys, nil
}

func (b *Box) path(f file) string { return filepath.Join(b.dir, f.sub, f.name) }

// Messages returns every message in mailbox order (see the package
// comment), reading the header of each file not in the header cache.
func (b *Box) Messages(ctx context.Context) ([]store.Message, error) {
	if err := b.check("read", false); err != nil {
		return nil, err
	}
	b.finish()
	fs, keys, err := b.scan()
	if err != nil {
		return nil, err
	}
	out := make([]store.Message, 0, len(fs))
	hdrs := b.cache()
	cached := make([]hdrcache.Entry, len(fs))
	var miss []int
	for i, f := range fs {
		e, ok := hdrs.Get(f.uniq)
		if !ok || f.vsize >= 0 && f.vsize != e.Size {
			miss = append(miss, i)
		}
		cached[i] = e
	}
	read := b.readMisses(ctx, fs, miss)
	for i, f := range fs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, ok := read[i]
		if !ok {
			e := cached[i]
			out = append(out, store.Message{Key: keys[i], Size: e.Size, Flags: f.flags(), Keywords: b.kw.keywords(f.info),
				InternalDate: e.Date.Local(), Header: e.Header})
			continue
		}
		m, err := r.m, r.err
		if errors.Is(err, os.ErrNotExist) {
			// Renamed by another program since the scan: read it again.
			if m, f, err = b.reread(f); errors.Is(err, os.ErrNotExist) {
				continue // removed meanwhile
			}
		}
		if err != nil {
			return nil, fmt.Errorf("read Maildir message: %w", err)
		}
		m.Key = b.keys[f.uniq]
		m.Flags, m.Keywords = f.flags(), b.kw.keywords(f.info)
		out = append(out, m)
		hdrs.Put(f.uniq, hdrcache.Entry{Size: m.Size, Date: m.InternalDate, Header: m.Header}) // selected by readMessage
	}
	b.listed = true
	return out, nil
}

// cache returns the header cache, loading it on first use. Its file is
// named after the Maildir's absolute path; without a cache directory it
// is an empty cache that is never saved.
func (b *Box) cache() *hdrcache.Cache {
	if b.hdrs == nil {
		dir := ""
		if b.env.CacheDir != "" {
			dir = filepath.Join(b.env.CacheDir, "maildir")
		}
		abs, err := filepath.Abs(b.dir)
		if err != nil {
			abs = b.dir
		}
		b.hdrs = hdrcache.Open(dir, "maildir "+abs)
	}
	return b.hdrs
}

// reread finds the current file of a message that vanished under its old
// name and reads it.
func (b *Box) reread(old file) (store.Message, file, error) {
	if _, _, err := b.scan(); err != nil {
		return store.Message{}, old, err
	}
	f, ok := b.files[b.keys[old.uniq]]
	if !ok || f.uniq != old.uniq {
		return store.Message{}, old, os.ErrNotExist
	}
	m, err := readMessage(b.path(f), f)
	return m, f, err
}

// locate returns the current file of key, reading the directories again
// when key is unknown or its file was renamed by another program.
func (b *Box) locate(key uint64) (file, error) {
	if f, ok := b.files[key]; ok {
		// Callers that find the file gone (renamed by another program)
		// forget it and ask again.
		return f, nil
	}
	if _, _, err := b.scan(); err != nil {
		return file{}, err
	}
	if f, ok := b.files[key]; ok {
		return f, nil
	}
	return file{}, fmt.Errorf("maildir %s: no message with key %d", b.dir, key)
}

// Fetch returns message key with CRLF line ends. Reading changes nothing.
func (b *Box) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	if err := b.check("fetch from", false); err != nil {
		return nil, err
	}
	b.finish()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := b.locate(key)
	if err != nil {
		return nil, err
	}
	fh, err := fileio.OpenRaw(b.path(f), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		delete(b.files, key)
		if f, err = b.locate(key); err == nil {
			fh, err = fileio.OpenRaw(b.path(f), os.O_RDONLY, 0)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fetch Maildir message: %w", err)
	}
	return lineend.OpenCRLF(fh), nil
}

// Close makes what Append, MarkDeleted and Expunge did durable (fsyncs
// the directories they changed) and saves the header cache of a box
// open read-write (dry runs write nothing, not even a cache). An error
// means appended messages may not survive a crash.
func (b *Box) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	err := b.endDeliveries()
	for _, sub := range []string{"new", "cur"} {
		if b.unsynced[sub] {
			if serr := syncDir(filepath.Join(b.dir, sub)); serr != nil && err == nil {
				err = serr
			}
		}
	}
	if b.mode == store.ReadWrite {
		// The cache only saves time: failing to write it is no error.
		b.hdrs.Save(b.listed)
	}
	b.files, b.keys, b.hdrs = nil, nil, nil
	return err
}
