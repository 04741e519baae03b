package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/mh"
	"github.com/mailsync/mailsync/internal/store/pattern"
)

const (
	// maxLevel is c-client's LISTMAXLEVEL: how deep '*' and '%' descend.
	maxLevel = 20
	// maxWildcards is c-client's MAXWILDCARDS.
	maxWildcards = 10
	delim        = '/'
)

// List returns the local mailboxes matching ref+pat with the rules of
// c-client's file-system lister, as 5.2.7 shows them (doc/design/behaviour.md#listing):
//
//   - ref is prepended to pat, except that a pat starting with "#", "/" or
//     "~" stands alone (when ref is not a "#" name); an empty pat lists
//     nothing; more than 10 wildcards are an error.
//   - The directory part of the pattern (up to its last "/" before the
//     first wildcard) is itself listed, \NoSelect, when the pattern matches
//     it with its trailing "/" ("mail/%" lists "mail/").
//   - In a directory, a regular file whose name matches is a selectable
//     box (\NoInferiors, \Marked when non-empty and read before its last
//     change, else \Unmarked); a subdirectory is listed \NoSelect as "d"
//     when that matches, else as "d/" when that matches; it is entered
//     when some name below it could match ("*", or "%/%" one level down),
//     at most 20 levels deep. Dot files are listed. A top-level file or
//     directory named INBOX (any case) is left out.
//   - Directories below the MH root are MH folders: listed selectable and
//     without their message files.
//   - Maildirs (our addition) are selectable as "d"; inside one only its
//     child boxes are listed: nested child directories and Maildir++
//     sub-folders (".a.b" as "d/a/b", implied parents \NoSelect) — see the
//     package comment. A pattern inside cur/, new/ or tmp/ lists nothing.
//   - INBOX (delimiter 0, \NoInferiors) is added when the upper-cased
//     pattern matches "INBOX".
//   - "#mh/…" patterns list MH folders below the MH root (none when
//     ~/.mh_profile does not exist); "#mhinbox" lists itself.
//   - "#maildir/…" patterns list like the plain pattern after the prefix,
//     directories only (Maildirs selectable), without INBOX; names keep
//     the prefix.
//
// Absolute patterns work (doc/design/decisions.md#d7-absolute-paths). A
// directory that does not exist lists nothing; one that cannot be read is an
// error naming it.
func (s *Store) List(ctx context.Context, ref, pat string) ([]store.ListEntry, error) {
	if pat == "" {
		return nil, nil
	}
	full, err := canonicalize(ref, pat)
	if err != nil {
		return nil, err
	}
	if _, ok := isMHName(full); ok || strings.EqualFold(full, mhInbox) {
		return s.listMH(ctx, full)
	}
	if rest, ok := isMaildirName(full); ok {
		return s.listMaildirNS(ctx, full[:len(full)-len(rest)], rest)
	}
	if full[0] == '#' {
		return nil, nil // other namespaces list nothing in 5.2.7
	}
	l := &lister{s: s, ctx: ctx, pat: full}
	if err := l.listFS(); err != nil {
		return nil, err
	}
	if pattern.Match(upperASCII(full), "INBOX", 0) {
		l.out = append(l.out, store.ListEntry{Name: "INBOX", NoInferiors: true})
	}
	return l.out, nil
}

// canonicalize joins reference and pattern as c-client's
// dummy_canonicalize and mh_canonicalize do.
func canonicalize(ref, pat string) (string, error) {
	if strings.HasPrefix(ref, "{") || strings.HasPrefix(pat, "{") {
		return "", fmt.Errorf("list %q %q: remote name in a local store", ref, pat)
	}
	full := pat
	switch {
	case ref == "", pat[0] == '#':
	case ref[0] == '#':
		if pat[0] == '/' && strings.HasSuffix(ref, "/") {
			full = ref + pat[1:]
		} else {
			full = ref + pat
		}
	case pat[0] == '/', pat[0] == '~':
	default:
		full = ref + pat
	}
	if strings.Count(full, "*")+strings.Count(full, "%") > maxWildcards {
		return "", fmt.Errorf("list %q: excessive wildcards", full)
	}
	return full, nil
}

// lister walks the file system for one listing.
type lister struct {
	s   *Store
	ctx context.Context
	pat string
	out []store.ListEntry
	ns  namespace // nsPlain, or nsMaildir: only directories are listed
}

// listFS is dummy_scan: find the directory the pattern starts in and list.
func (l *lister) listFS() error {
	prefix := l.pat
	if i := strings.IndexAny(prefix, "%*"); i >= 0 {
		prefix = prefix[:i]
	}
	dir := ""
	if i := strings.LastIndexByte(prefix, delim); i >= 0 {
		dir = prefix[:i+1]
	}
	return l.work(dir, 0)
}

// work is dummy_list_work: list dir (a name ending in "/", or "" for the
// home directory) and its entries and descend where the pattern requires.
func (l *lister) work(dir string, level int) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	path, err := l.dirPath(dir)
	if err != nil {
		return err
	}
	if level == 0 && inMaildirInternals(path) {
		return nil // a Maildir's cur/, new/, tmp/ hold no mailboxes
	}
	entries, err := readDirUnsorted(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			if dir != "" {
				return l.workFolder(dir, path, level)
			}
			return nil
		}
		return fmt.Errorf("list %s: %w", l.pat, err)
	}
	k := kindDir
	if dir != "" {
		if k, err = l.s.dirKind(path, l.ns); err != nil {
			return err
		}
		if level == 0 && pattern.Match(l.pat, dir, delim) {
			l.add(dir, k)
		}
	}
	if k == kindMaildir {
		return l.workMaildir(dir, path, entries, level)
	}
	for _, e := range entries {
		if k == kindMH && mh.IsInternal(e.Name()) {
			continue // MH folder: hide its message files
		}
		if err := l.entry(dir, path, e.Name(), level); err != nil {
			return err
		}
	}
	return nil
}

// entry lists one directory entry named dir+base and descends into it.
func (l *lister) entry(dir, dirPath, base string, level int) error {
	name := dir + base
	if !pattern.Match(l.pat, name, delim) && !pattern.Match(l.pat, name+"/", delim) && !extends(l.pat, name+"/") {
		return nil
	}
	path := dirPath + "/" + base
	fi, err := os.Stat(path)
	if err != nil {
		return nil // dangling link or vanished entry: c-client skips it
	}
	switch {
	case fi.IsDir():
		k, err := l.s.kindOf(path, l.ns, fi)
		if err != nil {
			return err
		}
		if name != "INBOX" {
			if pattern.Match(l.pat, name, delim) {
				l.add(name, k)
			} else if pattern.Match(l.pat, name+"/", delim) {
				l.add(name+"/", k)
			}
		}
		if extends(l.pat, name+"/") && level < maxLevel {
			return l.work(name+"/", level+1)
		}
	case fi.Mode().IsRegular() && l.ns == nsPlain:
		if pattern.Match(l.pat, name, delim) && !isInbox(name) && !isLockOrTemp(base) {
			l.out = append(l.out, store.ListEntry{Name: name, Delim: delim, NoInferiors: true,
				Marked: marked(fi), Unmarked: !marked(fi)})
		}
	}
	return nil
}

// add lists a directory: an MH folder is selectable, a Maildir too unless
// listed as a directory ("name/"), anything else not.
func (l *lister) add(name string, k kind) {
	sel := k == kindMH || k == kindMaildir && !strings.HasSuffix(name, "/")
	l.out = append(l.out, store.ListEntry{Name: name, Delim: delim, NoSelect: !sel})
}

// dirPath resolves a directory name of the listing ("" is the home).
func (l *lister) dirPath(dir string) (string, error) {
	if dir == "" {
		if l.s.env.Home == "" {
			return "", fmt.Errorf("list %s: no home directory", l.pat)
		}
		return l.s.env.Home, nil
	}
	p, err := l.s.filePath(dir)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", l.pat, err)
	}
	return p, nil
}

// upperASCII upper-cases ASCII letters only (c-client's ucase).
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// isLockOrTemp reports files that are never mailboxes although c-client
// would list them: dotlocks (BOX.lock, held by mail clients, delivery
// agents and mailsync itself, also the msinfo's lock) and the temporary
// file of an mbox expunge (.BOX.mailsync-PID-N) left by a crash. Listing
// them would copy them into the other store as mailboxes.
func isLockOrTemp(base string) bool {
	return strings.HasSuffix(base, ".lock") || (strings.HasPrefix(base, ".") && strings.Contains(base, ".mailsync-"))
}

// readDirUnsorted is the entries of directory path in the directory's own
// order, as c-client's readdir loop sees them (5.2.7's -d item lines come
// in this order; the box order does not depend on it). doc/design/cli.md,
// "-d and c-client's names".
func readDirUnsorted(path string) ([]os.DirEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}
