package mbox

import (
	"errors"
	"fmt"
	"os"

	"github.com/mailsync/mailsync/internal/store"
)

// Making an mbox file, and telling one: c-client's rules.

// Create makes a new mbox file (mode 0600) holding only the pseudo message
// in c-client's creation form. The error wraps store.ErrExists when path
// exists.
func Create(path string, env store.Env) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create %s: %w", path, store.ErrExists)
		}
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(PseudoCreate(env))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}

// IsMbox reports whether the file at path is empty or starts (after blank
// space ending in a LF, as c-client tolerates) with a valid From_ line
// ending within its first 1023 bytes. A missing file is
// an error wrapping store.ErrNoMailbox.
func IsMbox(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("open %s: %w", path, store.ErrNoMailbox)
		}
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return false, nil
	}
	s := newScanner(f, 0, path)
	last, err := s.skipSpace()
	if err != nil {
		return false, err
	}
	if s.pos == st.Size() {
		return s.pos == 0, nil
	}
	line := s.peekLine()
	return line != nil && validFrom(line).ok && fileStartMbox(last, s.pos, line), nil
}
