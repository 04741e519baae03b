package mh

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/mailsync/mailsync/internal/store"
)

// Folder is one open MH folder. It implements store.Mailbox. Message keys
// are the message file numbers.
type Folder struct {
	dir     string
	mode    store.Mode
	env     store.Env
	deleted map[uint64]bool
	closed  bool
	// next is the number the next append tries first (0: not known yet);
	// a number taken by another program meanwhile is skipped by the
	// exclusive link.
	next uint64
	// seqChanges are the numbers this session appended or removed, for
	// .mh_sequences; written once, by Close.
	seqChanges map[uint64]seqChange
	// unsynced: messages were linked since the directory was last fsynced.
	unsynced bool
	// touched are the message files whose times SetFlags changed (\Seen),
	// for Close to fsync.
	touched []string
}

var _ store.Mailbox = (*Folder)(nil)

// Open opens the MH folder dir. The error wraps store.ErrNoMailbox when
// dir does not exist and store.ErrNotMailbox when it is not a directory.
// Opening changes nothing on disk.
func Open(dir string, mode store.Mode, env store.Env) (*Folder, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open MH folder %s: %w", dir, store.ErrNoMailbox)
		}
		return nil, fmt.Errorf("open MH folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open MH folder %s: not a directory: %w", dir, store.ErrNotMailbox)
	}
	return &Folder{dir: dir, mode: mode, env: env, deleted: map[uint64]bool{}}, nil
}

// Create makes the folder directory dir (mode 0700), creating missing
// parent directories. The error wraps store.ErrExists when dir exists, as
// anything.
func Create(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("create MH folder %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create MH folder %s: %w", dir, store.ErrExists)
		}
		return fmt.Errorf("create MH folder: %w", err)
	}
	return nil
}

// IsFolder reports whether dir is a directory (symbolic links followed):
// any directory can serve as an MH folder.
func IsFolder(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// Remove deletes the folder dir the way c-client's mh_delete does: every
// file MH owns (numbered messages, ",N" backups, .mh_sequence(s)) is
// removed, then the directory. When the directory still holds other
// entries (sub-folders, foreign files) it is kept and Remove still
// succeeds, as in c-client. The error wraps store.ErrNoMailbox when dir
// does not exist.
func Remove(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete MH folder %s: %w", dir, store.ErrNoMailbox)
		}
		return fmt.Errorf("delete MH folder: %w", err)
	}
	for _, e := range entries {
		if IsInternal(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("delete MH folder: %w", err)
			}
		}
	}
	if err := os.Remove(dir); err != nil {
		if rest, rerr := os.ReadDir(dir); rerr == nil && len(rest) > 0 {
			return nil
		}
		return fmt.Errorf("delete MH folder: %w", err)
	}
	return nil
}

// IsMessageName reports whether name is an MH message file name: one or
// more ASCII digits.
func IsMessageName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return false
		}
	}
	return true
}

// IsInternal reports whether name is a file MH owns inside a folder and a
// directory lister must hide: a message number, ",N" (a removed message
// kept by MH's rmm) or the sequence file (c-client's mh_dirfmttest).
func IsInternal(name string) bool {
	if name == ".mh_sequence" || name == ".mh_sequences" {
		return true
	}
	if len(name) > 1 && name[0] == ',' {
		name = name[1:]
	}
	return IsMessageName(name)
}

// entry is one message file found by scan.
type entry struct {
	num  uint64
	name string
}

// scan returns the folder's message files in numeric order. Names too
// large for uint64 are an error; numbered directories are skipped.
func (f *Folder) scan() ([]entry, error) {
	des, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("read MH folder: %w", err)
	}
	var out []entry
	for _, de := range des {
		if !IsMessageName(de.Name()) {
			continue
		}
		n, err := strconv.ParseUint(de.Name(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("MH folder %s: message %s: %w", f.dir, de.Name(), err)
		}
		if de.IsDir() {
			continue
		}
		out = append(out, entry{num: n, name: de.Name()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].num != out[j].num {
			return out[i].num < out[j].num
		}
		return out[i].name < out[j].name
	})
	return out, nil
}

// fileName returns the path of message key: the canonical decimal name
// when it exists, else the file a scan finds for that number (07). The
// error wraps os.ErrNotExist when there is no such message.
func (f *Folder) fileName(key uint64) (string, error) {
	p := filepath.Join(f.dir, strconv.FormatUint(key, 10))
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p, nil
	}
	ents, err := f.scan()
	if err != nil {
		return "", err
	}
	for _, e := range ents {
		if e.num == key {
			return filepath.Join(f.dir, e.name), nil
		}
	}
	return "", fmt.Errorf("MH folder %s: no message %d: %w", f.dir, key, os.ErrNotExist)
}

// Messages returns every message in numeric order, reading each file once.
// Two files naming the same number (7 and 07) yield the first only.
func (f *Folder) Messages(ctx context.Context) ([]store.Message, error) {
	if f.closed {
		return nil, fmt.Errorf("MH folder %s: closed", f.dir)
	}
	ents, err := f.scan()
	if err != nil {
		return nil, err
	}
	seqs, err := f.loadSeqFlags(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Message
	for i, e := range ents {
		if i > 0 && ents[i-1].num == e.num {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, err := readMessage(filepath.Join(f.dir, e.name))
		if err != nil {
			return nil, err
		}
		m.Key = e.num
		// \Seen stays c-client's (file times); "unseen" is not read.
		m.Flags |= seqs.flags(e.num)
		if f.deleted[e.num] {
			m.Flags |= store.Deleted
		}
		out = append(out, m)
	}
	return out, nil
}

// Close releases the folder; deletion marks not expunged are dropped.
// For a folder changed in this session it first makes the appended
// messages durable (one fsync of the directory), then writes the
// session's changes to .mh_sequences (one rewrite), so that a number is
// never in a sequence before its message is on disk. The files whose
// \Seen SetFlags changed are fsynced (their times). An error means
// appended messages or their flags may be lost.
func (f *Folder) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	f.deleted = nil
	if f.unsynced {
		f.unsynced = false
		if err := syncDir(f.dir); err != nil {
			f.seqChanges, f.touched = nil, nil
			return fmt.Errorf("MH folder %s: %w", f.dir, err)
		}
	}
	touched := f.touched
	f.touched = nil
	err := syncFiles(touched)
	if serr := f.flushSequences(); serr != nil {
		return serr
	}
	if err != nil {
		return fmt.Errorf("MH folder %s: seen flags may not survive a crash: %w", f.dir, err)
	}
	return nil
}
