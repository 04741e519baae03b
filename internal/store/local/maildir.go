package local

import (
	"errors"
	"os"
	"path/filepath"
	"slices"

	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/store/maildir"
)

// nearestDir returns the nearest existing ancestor of the missing path and
// the components leading from it to path ("A/b/c" with only A present:
// A, [b c]). ok is false when that ancestor is no directory, is the home
// directory or the file-system root (Maildir layouts are never inferred
// from those), or cannot be examined.
func (s *Store) nearestDir(path string) (dir string, comps []string, ok bool) {
	p := filepath.Clean(path)
	for {
		parent := filepath.Dir(p)
		if parent == p {
			return "", nil, false
		}
		comps = append([]string{filepath.Base(p)}, comps...)
		fi, err := os.Stat(parent)
		switch {
		case err == nil:
			if !fi.IsDir() || parent == filepath.Dir(parent) ||
				s.env.Home != "" && parent == filepath.Clean(s.env.Home) {
				return "", nil, false
			}
			return parent, comps, true
		case !errors.Is(err, os.ErrNotExist):
			return "", nil, false
		}
		p = parent
	}
}

// onDisk returns the Maildir++ folder name components as Dovecot and
// Courier write them: each in modified UTF-7 unless it already is.
func onDisk(comps []string) []string {
	out := make([]string, len(comps))
	for i, c := range comps {
		out[i] = c
		if !mutf7.Canonical(c) {
			out[i] = mutf7.Encode(c)
		}
	}
	return out
}

// inMaildirInternals reports whether path lies in the cur/, new/ or tmp/
// directory of a Maildir (or is one): such names are never mailboxes.
func inMaildirInternals(path string) bool {
	for p := filepath.Clean(path); ; {
		parent := filepath.Dir(p)
		if parent == p {
			return false
		}
		switch filepath.Base(p) {
		case "cur", "new", "tmp":
			if maildir.IsMaildir(parent) {
				return true
			}
		}
		p = parent
	}
}

// plusFolder resolves a missing path as a Maildir++ sub-folder: when the
// nearest existing ancestor A of path is a Maildir, A/b/c names the
// folder A/.b.c. It returns that directory and kindMaildir when the folder
// exists, kindDir when it does not but folders below it do (an implied
// parent, listed not selectable), kindMissing otherwise.
func (s *Store) plusFolder(path string) (string, kind) {
	root, comps, ok := s.nearestDir(path)
	if !ok || !maildir.IsMaildir(root) {
		return "", kindMissing
	}
	dir, err := maildir.FolderDir(root, comps)
	if err != nil {
		return "", kindMissing
	}
	if maildir.IsMaildir(dir) {
		return dir, kindMaildir
	}
	// Dovecot and Courier keep folder names in modified UTF-7 on disk
	// (doc/design/names.md): "Reisen Übersicht" is .Reisen &ANw-bersicht.
	if enc, err := maildir.FolderDir(root, onDisk(comps)); err == nil && enc != dir && maildir.IsMaildir(enc) {
		return enc, kindMaildir
	}
	folders, err := maildir.Folders(root)
	if err != nil {
		return "", kindMissing
	}
	for _, f := range folders {
		if len(f) > len(comps) && slices.Equal(f[:len(comps)], comps) {
			return dir, kindDir
		}
	}
	return "", kindMissing
}

// createMaildir is the format rule of Create for a missing plain or
// #maildir name at path. It answers whether to create a Maildir, in which
// directory, and whether as a Maildir++ sub-folder:
//
//  1. When the nearest existing ancestor A of path (not the home
//     directory) is a Maildir, the box becomes a child of A: a Maildir++
//     sub-folder A/.b.c, unless A already has nested child Maildirs and no
//     Maildir++ sub-folders, in which case the Maildir path itself
//     (nested layout).
//  2. When A is a plain directory (not the home directory) holding at
//     least one Maildir, the box is a Maildir at path (nested layout).
//  3. A #maildir name is a Maildir at path.
//  4. Anything else is an mbox file (ok false): the default, as in 5.2.7.
func (s *Store) createMaildir(name, path string) (dir string, folder, ok bool, err error) {
	if root, comps, found := s.nearestDir(path); found {
		switch {
		case maildir.IsMaildir(root):
			folders, err := maildir.Folders(root)
			if err != nil {
				return "", false, false, err
			}
			if len(folders) > 0 || !maildir.HasNestedMaildirs(root) {
				dir, err := maildir.FolderDir(root, onDisk(comps))
				if err != nil {
					return "", false, false, err
				}
				return dir, true, true, nil
			}
			return path, false, true, nil
		case maildir.HasNestedMaildirs(root):
			return path, false, true, nil
		}
	}
	if nsOf(name) == nsMaildir {
		return path, false, true, nil
	}
	return "", false, false, nil
}
