package msinfo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

type boxFile struct {
	st            store.Store
	name, display string
	opt           Options
	lock          string
}

// OpenMailbox keeps the msinfo in a mailbox of any store (IMAP). Save appends
// the new entry first, then deletes and expunges the old ones
// (doc/design/decisions.md#d9-msinfo-safety). Unless ReadOnly, the mailbox is
// created if missing and a lock file is taken in lockDir.
func OpenMailbox(ctx context.Context, st store.Store, name, displayName, lockDir string, opt Options) (File, error) {
	bf := &boxFile{st: st, name: name, display: displayName, opt: opt}
	if opt.ReadOnly {
		return bf, nil
	}
	if err := os.MkdirAll(lockDir, 0o700); err != nil {
		return nil, fmt.Errorf("lock directory %s: %w", lockDir, err)
	}
	lock := filepath.Join(lockDir, "msinfo-"+lockName(displayName)+".lock")
	if err := takeLock(lock, displayName, opt.notes()); err != nil {
		return nil, err
	}
	bf.lock = lock
	if err := st.Create(ctx, name); err != nil && !errors.Is(err, store.ErrExists) {
		bf.Close()
		return nil, fmt.Errorf("create msinfo %s: %w", displayName, err)
	}
	return bf, nil
}

// lockName turns a mailbox name into a file name.
func lockName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '/' || r == '\\' || r < ' ' || r == ':' {
			b.WriteByte('_')
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// entries reads every message of the box as entries, with their keys.
func (bf *boxFile) entries(ctx context.Context, mb store.Mailbox) ([]entry, []uint64, error) {
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read msinfo %s: %w", bf.display, err)
	}
	var out []entry
	var keys []uint64
	for _, m := range msgs {
		rc, err := mb.Fetch(ctx, m.Key)
		if err != nil {
			return nil, nil, fmt.Errorf("read msinfo %s: %w", bf.display, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("read msinfo %s: %w", bf.display, err)
		}
		hdr, body := data, []byte(nil)
		if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
			hdr, body = data[:i+2], data[i+4:]
		} else if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			hdr, body = data[:i+1], data[i+2:]
		}
		out = append(out, newEntry(hdr, body))
		keys = append(keys, m.Key)
	}
	return out, keys, nil
}

func (bf *boxFile) Load(ctx context.Context, channel string) (State, error) {
	mb, err := bf.st.Open(ctx, bf.name, store.ReadOnly)
	if err != nil {
		if bf.opt.ReadOnly && errors.Is(err, store.ErrNoMailbox) {
			return State{}, nil
		}
		return nil, fmt.Errorf("open msinfo %s: %w", bf.display, err)
	}
	defer mb.Close()
	es, _, err := bf.entries(ctx, mb)
	if err != nil {
		return nil, err
	}
	return pick(es, channel, bf.display, bf.opt.MD5, bf.opt.notes()), nil
}

func (bf *boxFile) Save(ctx context.Context, channel string, s State) error {
	if bf.opt.ReadOnly {
		return fmt.Errorf("save msinfo %s: %w", bf.display, store.ErrReadOnly)
	}
	mb, err := bf.st.Open(ctx, bf.name, store.ReadWrite)
	if err != nil {
		return fmt.Errorf("open msinfo %s: %w", bf.display, err)
	}
	defer mb.Close()
	es, keys, err := bf.entries(ctx, mb)
	if err != nil {
		return err
	}
	msg := bytes.ReplaceAll(Format(channel, s, bf.opt.MD5), []byte("\n"), []byte("\r\n"))
	if err := mb.Append(ctx, store.NewMessage{InternalDate: bf.opt.Env.Time(), Size: int64(len(msg)), Body: bytes.NewReader(msg)}); err != nil {
		return fmt.Errorf("save msinfo %s: %w", bf.display, err)
	}
	var old []uint64
	for i, e := range es {
		if e.hasSubj && e.subject == channel {
			old = append(old, keys[i])
		}
	}
	if len(old) == 0 {
		return nil
	}
	if err := mb.MarkDeleted(ctx, old); err != nil {
		return fmt.Errorf("save msinfo %s: %w", bf.display, err)
	}
	if _, err := mb.Expunge(ctx); err != nil {
		return fmt.Errorf("save msinfo %s: %w", bf.display, err)
	}
	return nil
}

func (bf *boxFile) Close() error { return releaseLock(&bf.lock, bf.display) }
