package local

import (
	"context"
	"os"
	"path/filepath"
	"sort"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
	"github.com/mailsync/mailsync/internal/store/pattern"
)

// listMaildirNS lists a canonical pattern of the #maildir namespace:
// prefix is its "#maildir/" (as written), rest the plain pattern after
// it. The file-system lister runs on rest with only directories listed
// (Maildirs selectable, other directories not) and no INBOX; every name
// gets the prefix back.
func (s *Store) listMaildirNS(ctx context.Context, prefix, rest string) ([]store.ListEntry, error) {
	l := &lister{s: s, ctx: ctx, pat: rest, ns: nsMaildir}
	if err := l.listFS(); err != nil {
		return nil, err
	}
	for i := range l.out {
		l.out[i].Name = prefix + l.out[i].Name
	}
	return l.out, nil
}

// workMaildir lists the entries of the Maildir dir (path on disk), the
// rest of work: its child boxes are its sub-directories other than
// maildir.IsInternal ones (nested layout; its files are no boxes) and its
// Maildir++ sub-folders, a nested child shadowing a sub-folder tree of the
// same first name (Open resolves such a name to the nested child).
func (l *lister) workMaildir(dir, path string, entries []os.DirEntry, level int) error {
	nested := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if maildir.IsInternal(name) {
			continue
		}
		fi, err := os.Stat(filepath.Join(path, name))
		if err != nil || !fi.IsDir() {
			continue
		}
		nested[name] = true
		if err := l.entry(dir, path, name, level); err != nil {
			return err
		}
	}
	folders, err := maildir.Folders(path)
	if err != nil {
		return err
	}
	root := buildTree(folders)
	kids := root.children[:0]
	for _, n := range root.children {
		// A sub-folder named cur, new or tmp (".new") cannot be named:
		// "ROOT/new" is the Maildir's own new/.
		if !nested[n.name] && !maildir.IsInternal(n.name) {
			kids = append(kids, n)
		}
	}
	return l.listTree(dir, kids, level)
}

// workFolder is work for a directory name that does not exist on disk:
// it may be a Maildir++ sub-folder or an implied parent of some, whose
// sub-folders are then listed.
func (l *lister) workFolder(dir, path string, level int) error {
	root, comps, ok := l.s.nearestDir(path)
	if !ok || !maildir.IsMaildir(root) {
		return nil
	}
	folders, err := maildir.Folders(root)
	if err != nil {
		return err
	}
	n := buildTree(folders)
	for _, c := range comps {
		if n = n.child(c); n == nil {
			return nil
		}
	}
	if level == 0 && pattern.Match(l.pat, dir, delim) {
		l.out = append(l.out, store.ListEntry{Name: dir, Delim: delim, NoSelect: true})
	}
	return l.listTree(dir, n.children, level)
}

// listTree lists Maildir++ folder nodes below the directory name dir with
// the rules entry applies to directories: a node is listed as "name"
// (selectable when it is a folder, else an implied parent) when that
// matches, else as "name/" (not selectable) when that matches, and is
// descended into when the pattern may match below it.
func (l *lister) listTree(dir string, nodes []*folderNode, level int) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	for _, n := range nodes {
		name := dir + n.name
		switch {
		case pattern.Match(l.pat, name, delim):
			l.out = append(l.out, store.ListEntry{Name: name, Delim: delim, NoSelect: !n.folder})
		case pattern.Match(l.pat, name+"/", delim):
			l.out = append(l.out, store.ListEntry{Name: name + "/", Delim: delim, NoSelect: true})
		}
		if len(n.children) > 0 && extends(l.pat, name+"/") && level < maxLevel {
			if err := l.listTree(name+"/", n.children, level+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// folderNode is one name component in the tree of a root's Maildir++
// sub-folders; folder says whether a sub-folder has exactly this name.
type folderNode struct {
	name     string
	folder   bool
	children []*folderNode
}

func (n *folderNode) child(name string) *folderNode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// buildTree turns sub-folder names into a tree whose children are sorted
// by name.
func buildTree(folders [][]string) *folderNode {
	root := &folderNode{}
	for _, comps := range folders {
		n := root
		for _, c := range comps {
			next := n.child(c)
			if next == nil {
				next = &folderNode{name: c}
				n.children = append(n.children, next)
			}
			n = next
		}
		n.folder = true
	}
	var sortTree func(n *folderNode)
	sortTree = func(n *folderNode) {
		sort.Slice(n.children, func(i, j int) bool { return n.children[i].name < n.children[j].name })
		for _, c := range n.children {
			sortTree(c)
		}
	}
	sortTree(root)
	return root
}
