package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
	"github.com/mailsync/mailsync/internal/store/mbox"
	"github.com/mailsync/mailsync/internal/store/mh"
)

// Store is the local namespace. It implements store.Store. It holds no
// open resources.
type Store struct {
	env store.Env
}

var _ store.Store = (*Store)(nil)

// New returns the local namespace of the user described by env.
func New(env store.Env) *Store { return &Store{env: env} }

// kind is what a local name refers to on disk.
type kind int

const (
	kindMissing  kind = iota // nothing there
	kindMbox                 // a regular file: mbox
	kindMH                   // an MH folder
	kindMaildir              // a Maildir (cur/, new/, tmp/)
	kindDir                  // a directory that is no mailbox (\NoSelect)
	kindOther                // a device, socket, fifo: no mailbox
	kindInternal             // in a Maildir's cur/, new/ or tmp/: no name
)

// kindOf tells what the resolved name refers to: the one place where
// local formats are recognised. ns is the name's namespace; fi is the
// file's stat (symbolic links followed), nil when it does not exist.
func (s *Store) kindOf(path string, ns namespace, fi os.FileInfo) (kind, error) {
	switch {
	case fi == nil:
		return kindMissing, nil
	case fi.Mode().IsRegular():
		if ns != nsPlain {
			return kindOther, nil
		}
		return kindMbox, nil
	case !fi.IsDir():
		return kindOther, nil
	case ns == nsMH:
		return kindMH, nil
	}
	return s.dirKind(path, ns)
}

// dirKind tells what the directory path is: a Maildir when it holds cur/,
// new/ and tmp/, else (plain names) an MH folder when it lies below the MH
// root, else a plain directory.
func (s *Store) dirKind(path string, ns namespace) (kind, error) {
	if maildir.IsMaildir(path) {
		return kindMaildir, nil
	}
	if ns == nsMaildir {
		return kindDir, nil
	}
	below, err := s.belowMHRoot(path)
	if err != nil {
		return 0, err
	}
	if below {
		return kindMH, nil
	}
	return kindDir, nil
}

// belowMHRoot reports whether path lies strictly below the MH root (MH
// enabled), where c-client's MH driver claims directories as folders.
func (s *Store) belowMHRoot(path string) (bool, error) {
	root, err := s.mhRoot()
	if err != nil || root == "" {
		return false, err
	}
	root = filepath.Clean(root)
	return strings.HasPrefix(filepath.Clean(path), root+"/"), nil
}

// resolve returns the path of name and what it is. A missing plain or
// #maildir name below a Maildir may be a Maildir++ sub-folder: then the
// folder's directory is returned (see plusFolder).
func (s *Store) resolve(name string) (string, kind, error) {
	path, err := s.Path(name)
	if err != nil {
		return "", 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", 0, fmt.Errorf("mailbox %s: %w", name, err)
		}
		fi = nil
	}
	ns := nsOf(name)
	if ns != nsMH && inMaildirInternals(path) {
		return path, kindInternal, nil
	}
	if fi == nil && ns != nsMH && !isInbox(name) {
		if dir, k := s.plusFolder(path); k != kindMissing {
			return dir, k, nil
		}
	}
	k, err := s.kindOf(path, ns, fi)
	return path, k, err
}

// Open opens the named mailbox (see the package comment for how its
// format is chosen). ErrNoMailbox when it does not exist, ErrNotMailbox
// for a directory that is no folder or a file of another type.
func (s *Store) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, k, err := s.resolve(name)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindMbox:
		return mbox.Open(path, mode, s.env)
	case kindMH:
		return mh.Open(path, mode, s.env)
	case kindMaildir:
		return maildir.Open(path, mode, s.env)
	case kindMissing:
		return nil, fmt.Errorf("open %s (%s): %w", name, path, store.ErrNoMailbox)
	default:
		return nil, fmt.Errorf("open %s (%s): not a selectable mailbox: %w", name, path, store.ErrNotMailbox)
	}
}

// Create makes a new, empty mailbox: an MH folder for #mh names, a
// directory for a name ending in "/" (c-client does the same), a Maildir
// when createMaildir says so (#maildir names, names below a Maildir or
// beside Maildirs), otherwise an mbox file. Missing parent directories are
// created (0700). It fails with ErrExists when anything exists under that
// name; INBOX cannot be created (c-client: "invalid name").
func (s *Store) Create(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if isInbox(name) {
		return fmt.Errorf("create %s: invalid name", name)
	}
	path, k, err := s.resolve(name)
	if err != nil {
		return err
	}
	if k == kindInternal {
		return fmt.Errorf("create %s (%s): invalid name: inside a Maildir's cur/, new/ or tmp/", name, path)
	}
	// A directory a killed run began as a Maildir is finished below,
	// where new boxes are Maildirs (maildir.Unfinished).
	unfinished := k == kindDir && maildir.Unfinished(path)
	if k != kindMissing && !unfinished {
		return fmt.Errorf("create %s (%s): %w", name, path, store.ErrExists)
	}
	if rest, ok := isMHName(name); ok && !unfinished {
		if !validMHName(rest) {
			return fmt.Errorf("create %s: invalid MH folder name (all-digit part)", name)
		}
		return mh.Create(path)
	}
	if strings.HasSuffix(name, "/") && !unfinished {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		if err := os.Mkdir(path, 0o700); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("create %s (%s): %w", name, path, store.ErrExists)
			}
			return fmt.Errorf("create %s: %w", name, err)
		}
		return nil
	}
	dir, folder, ok, err := s.createMaildir(name, path)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if ok && (!unfinished || dir == path) {
		if err := maildir.Create(dir, folder); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		return nil
	}
	if unfinished {
		return fmt.Errorf("create %s (%s): %w", name, path, store.ErrExists)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if err := mbox.Create(path, s.env); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// validMHName is c-client's mh_namevalid: no path component may consist
// of digits only (it would be taken for a message).
func validMHName(rest string) bool {
	for _, part := range strings.Split(rest, "/") {
		if part != "" && mh.IsMessageName(part) {
			return false
		}
	}
	return true
}

// Delete removes a mailbox: an mbox file is unlinked, an MH folder loses
// its message files and then its directory (kept if other entries remain,
// as in c-client), a Maildir is removed as maildir.Remove says (never one
// holding Maildir++ sub-folders), a plain directory is removed when empty.
// The implied parent of Maildir++ sub-folders cannot be deleted. INBOX is
// never deleted. ErrNoMailbox when the name does not exist.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if isInbox(name) {
		return fmt.Errorf("delete %s: refusing to delete INBOX", name)
	}
	path, k, err := s.resolve(name)
	if err != nil {
		return err
	}
	switch k {
	case kindMissing:
		return fmt.Errorf("delete %s (%s): %w", name, path, store.ErrNoMailbox)
	case kindMH:
		return mh.Remove(path)
	case kindMaildir:
		if err := maildir.Remove(path); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
		return nil
	case kindDir:
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete %s: parent of Maildir++ folders, not a mailbox: %w", name, store.ErrNotMailbox)
		}
		fallthrough
	case kindMbox:
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
		return nil
	default:
		return fmt.Errorf("delete %s (%s): %w", name, path, store.ErrNotMailbox)
	}
}

// Close does nothing: a local store holds no resources.
func (s *Store) Close() error { return nil }

var _ store.ConcurrentBoxes = (*Store)(nil)

// ConcurrentBoxes implements store.ConcurrentBoxes: the local namespace
// keeps no state; each box is its own file or directory, with its own
// locks and caches.
func (s *Store) ConcurrentBoxes() bool { return true }
