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
	"github.com/mailsync/mailsync/internal/store/mh"
	"github.com/mailsync/mailsync/internal/store/pattern"
)

// listMH is c-client's mh_scan for a canonical pattern in the #mh
// namespace. "#mhinbox" (any case) lists "#mhinbox" (delimiter 0,
// \NoInferiors). "#mh/…" lists every directory below the MH root whose
// name "#mh/DIR" matches, except names starting with "." and all-digit
// names; entries carry no attributes. The "#mh" of listed names is always
// lower case, so "#MH/%" matches nothing, as in c-client. Nothing is
// listed when ~/.mh_profile does not exist.
func (s *Store) listMH(ctx context.Context, full string) ([]store.ListEntry, error) {
	root, err := s.mhRoot()
	if err != nil || root == "" {
		return nil, err
	}
	if strings.EqualFold(full, mhInbox) {
		return []store.ListEntry{{Name: mhInbox, NoInferiors: true}}, nil
	}
	prefix := full[4:]
	if i := strings.IndexAny(prefix, "%*"); i >= 0 {
		prefix = prefix[:i]
	}
	dir := ""
	if i := strings.LastIndexByte(prefix, delim); i >= 0 {
		dir = prefix[:i]
	}
	var out []store.ListEntry
	err = mhWork(ctx, root, dir, full, 0, &out)
	return out, err
}

// mhWork is mh_list_work: list the folders in dir (relative to root, ""
// for the root itself) and descend where the pattern requires.
func mhWork(ctx context.Context, root, dir, pat string, level int, out *[]store.ListEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	base := "#mh/"
	if dir != "" {
		base += dir + "/"
	}
	path := filepath.Join(root, dir)
	entries, err := readDirUnsorted(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		return fmt.Errorf("list %s: %w", pat, err)
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") || mh.IsMessageName(n) {
			continue
		}
		name := base + n
		if !pattern.Match(pat, name, delim) && !extends(pat, name+"/") {
			continue
		}
		if fi, err := os.Stat(filepath.Join(path, n)); err != nil || !fi.IsDir() {
			continue
		}
		if pattern.Match(pat, name, delim) {
			*out = append(*out, store.ListEntry{Name: name, Delim: delim})
		}
		if extends(pat, name+"/") && level < maxLevel {
			if err := mhWork(ctx, root, strings.TrimPrefix(name, "#mh/"), pat, level+1, out); err != nil {
				return err
			}
		}
	}
	return nil
}
