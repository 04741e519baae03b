package maildir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gomaildir "github.com/emersion/go-maildir"
	"github.com/emersion/go-maildir/maildirpp"

	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/store"
)

// subdirs are the directories that make a directory a Maildir.
var subdirs = []string{"tmp", "new", "cur"}

// folderMarker is the empty file Courier and Dovecot put in a Maildir++
// sub-folder.
const folderMarker = "maildirfolder"

// IsMaildir reports whether dir is a directory holding the directories
// cur/, new/ and tmp/ (symbolic links followed).
func IsMaildir(dir string) bool {
	for _, s := range subdirs {
		fi, err := os.Stat(filepath.Join(dir, s))
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// IsInternal reports whether an entry of a Maildir belongs to the Maildir
// itself and is no child box: cur, new, tmp, dot entries (Maildir++
// sub-folders and metadata) and the metadata directories and files of
// Courier and Dovecot.
func IsInternal(name string) bool {
	switch {
	case name == "cur", name == "new", name == "tmp", strings.HasPrefix(name, "."),
		strings.HasPrefix(name, "courierimap"), strings.HasPrefix(name, "dovecot"):
		return true
	}
	return false
}

// Unfinished reports whether dir is what an interrupted Create leaves: a
// directory that is no Maildir and holds nothing but some of the empty
// directories tmp/, new/, cur/ and an empty maildirfolder file (nothing
// at all after a kill right after its mkdir). Create finishes such a
// directory instead of calling it an existing box.
func Unfinished(dir string) bool {
	des, err := os.ReadDir(dir)
	if err != nil || IsMaildir(dir) {
		return false
	}
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		switch name := de.Name(); {
		case name == "tmp" || name == "new" || name == "cur":
			sub, err := os.ReadDir(p)
			if err != nil || len(sub) > 0 || !de.IsDir() {
				return false
			}
		case name == folderMarker:
			fi, err := os.Lstat(p)
			if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Create makes dir a new, empty Maildir (dir, cur/, new/, tmp/, mode
// 0700), creating missing parents as plain directories. folder marks it as
// a Maildir++ sub-folder. The error wraps store.ErrExists when dir exists,
// unless it is Unfinished: then Create finishes it (a run killed while it
// created the box must not leave a directory that later runs skip).
func Create(dir string, folder bool) (err error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("create Maildir %s: %w", dir, err)
	}
	made := true
	if err := os.Mkdir(dir, 0o700); err != nil {
		if !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create Maildir: %w", err)
		}
		if !Unfinished(dir) {
			return fmt.Errorf("create Maildir %s: %w", dir, store.ErrExists)
		}
		made = false
	}
	defer func() {
		if err != nil && made {
			os.RemoveAll(dir)
		}
	}()
	if err := gomaildir.Dir(dir).Init(); err != nil {
		return fmt.Errorf("create Maildir: %w", err)
	}
	if folder {
		if err := os.WriteFile(filepath.Join(dir, folderMarker), nil, 0o600); err != nil {
			return fmt.Errorf("create Maildir: %w", err)
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	return syncDir(parent)
}

// Remove deletes the Maildir dir (see the package comment): its messages
// and cur/, new/, tmp/, then the directory with its metadata files unless
// sub-directories remain. A Maildir holding Maildir++ sub-folders is not
// touched. The error wraps store.ErrNoMailbox when dir does not exist and
// store.ErrNotMailbox when it is no Maildir.
func Remove(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete Maildir %s: %w", dir, store.ErrNoMailbox)
		}
		return fmt.Errorf("delete Maildir: %w", err)
	}
	if !IsMaildir(dir) {
		return fmt.Errorf("delete Maildir %s: %w", dir, store.ErrNotMailbox)
	}
	folders, err := Folders(dir)
	if err != nil {
		return err
	}
	if len(folders) > 0 {
		return fmt.Errorf("delete Maildir %s: it holds Maildir++ sub-folders (%s/…), whose names depend on it",
			dir, strings.Join(folders[0], "/"))
	}
	for _, s := range subdirs {
		if err := os.RemoveAll(filepath.Join(dir, s)); err != nil {
			return fmt.Errorf("delete Maildir: %w", err)
		}
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("delete Maildir: %w", err)
	}
	keepDir := false
	for _, de := range des {
		if de.IsDir() {
			keepDir = true
		}
	}
	for _, de := range des {
		if !de.IsDir() && (!keepDir || de.Name() == folderMarker) {
			if err := os.Remove(filepath.Join(dir, de.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("delete Maildir: %w", err)
			}
		}
	}
	if !keepDir {
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("delete Maildir: %w", err)
		}
	}
	return syncDir(filepath.Dir(dir))
}

// Folders returns the Maildir++ sub-folders of root as name components
// (".a.b" is [a b]), in byte order of their directory names. Dot entries
// that are no Maildir or have an empty component are not folders.
func Folders(root string) ([][]string, error) {
	des, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("read Maildir %s: %w", root, err)
	}
	var out [][]string
	for _, de := range des {
		comps, ok := folderName(de.Name())
		if ok && IsMaildir(filepath.Join(root, de.Name())) {
			out = append(out, comps)
		}
	}
	return out, nil
}

// folderName splits a Maildir++ directory name ".a.b" into [a b], each
// component as a user sees it: Dovecot and Courier write folder names in
// modified UTF-7 (".Reisen &ANw-bersicht" is "Reisen Übersicht"), other
// programs may write UTF-8, which stays as it is (doc/design/names.md).
func folderName(name string) ([]string, bool) {
	comps, err := maildirpp.Split(name)
	if err != nil {
		return nil, false
	}
	for i, c := range comps {
		if c == "" {
			return nil, false
		}
		comps[i] = userName(c)
	}
	return comps, true
}

// userName decodes a folder name component written in modified UTF-7.
// A component that is not, or that would decode to a hierarchy
// character ('/', '.') or a control character, stays as on disk.
func userName(c string) string {
	if !strings.Contains(c, "&") {
		return c
	}
	d, err := mutf7.Decode(c)
	if err != nil || mutf7.Encode(d) != c || strings.ContainsAny(d, "/.") ||
		strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return c
	}
	return d
}

// FolderDir returns the directory of the Maildir++ sub-folder comps of
// root (root/.a.b for [a b]). A component that is empty or holds "." or
// "/" cannot be represented: an error.
func FolderDir(root string, comps []string) (string, error) {
	if len(comps) == 0 {
		return "", fmt.Errorf("maildir++ folder of %s: no name", root)
	}
	for _, c := range comps {
		if c == "" || strings.ContainsRune(c, '/') {
			return "", fmt.Errorf("maildir++ folder %q: empty name component", strings.Join(comps, "/"))
		}
	}
	name, err := maildirpp.Join(comps)
	if err != nil {
		return "", fmt.Errorf("maildir++ folder %q: a name component may not contain '.'", strings.Join(comps, "/"))
	}
	return filepath.Join(root, name), nil
}

// HasNestedMaildirs reports whether dir has a child directory (no
// internal entry) that is a Maildir: the nested layout.
func HasNestedMaildirs(dir string) bool {
	des, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, de := range des {
		if !IsInternal(de.Name()) && IsMaildir(filepath.Join(dir, de.Name())) {
			return true
		}
	}
	return false
}
