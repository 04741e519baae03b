package dovecot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// maxBaseDir bounds base_dir so that its unix sockets (the longest is
// about 30 bytes below it) fit the 107-byte sun_path.
const maxBaseDir = 70

// makeDirs prepares the instance directory: traversable by the mail uid
// and the Dovecot service users, with a home and an empty
// Maildir owned by the mail uid for every user.
func makeDirs(dir string, opt Options, owner mailOwner) (layout, error) {
	own := dir == ""
	if own {
		d, err := os.MkdirTemp("", "dovecot-")
		if err != nil {
			return layout{}, fmt.Errorf("make instance directory: %w", err)
		}
		dir = d
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return layout{}, fmt.Errorf("make instance directory %s: %w", dir, err)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return layout{}, fmt.Errorf("absolute path of %s: %w", dir, err)
	}
	l := newLayout(abs, filepath.Join(abs, "run"))
	l.ownDir = own
	if err := l.prepare(opt, owner); err != nil {
		l.remove()
		return layout{}, err
	}
	return l, nil
}

func (l *layout) prepare(opt Options, owner mailOwner) error {
	if !safePath(l.dir) {
		return fmt.Errorf("instance directory %q: use only letters, digits and /._-+,@=", l.dir)
	}
	// MkdirTemp makes 0700 directories; the mail uid must get through.
	if err := os.Chmod(l.dir, 0o755); err != nil {
		return fmt.Errorf("chmod %s: %w", l.dir, err)
	}
	if !owner.rootless {
		if err := traversable(filepath.Dir(l.dir)); err != nil {
			return err
		}
	}
	if len(l.baseDir) > maxBaseDir {
		d, err := os.MkdirTemp("", "dc-")
		if err != nil {
			return fmt.Errorf("make base_dir: %w", err)
		}
		l.baseDir, l.ownBase = d, true
		if err := os.Chmod(d, 0o755); err != nil {
			return fmt.Errorf("chmod %s: %w", d, err)
		}
	}
	for _, d := range []string{l.stateDir, l.homes} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("make %s: %w", d, err)
		}
	}
	for _, u := range opt.Users {
		home := filepath.Join(l.homes, u.Name)
		for _, d := range []string{home, filepath.Join(home, "Maildir"),
			filepath.Join(home, "Maildir", "cur"), filepath.Join(home, "Maildir", "new"),
			filepath.Join(home, "Maildir", "tmp")} {
			if err := mkdirOwned(d, 0o700, owner); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkdirOwned makes directory d (if missing) owned by the mail uid.
func mkdirOwned(d string, mode os.FileMode, owner mailOwner) error {
	if err := os.Mkdir(d, mode); err != nil && !os.IsExist(err) {
		return fmt.Errorf("make %s: %w", d, err)
	}
	if owner.rootless {
		return nil
	}
	if err := os.Chown(d, owner.uid, owner.gid); err != nil {
		return fmt.Errorf("chown %s: %w", d, err)
	}
	return nil
}

// traversable checks that every directory from d up to / can be searched
// by other users. Directories below the system temporary directory (such
// as the 0700 ones testing.T.TempDir makes) are fixed with o+x; others
// are reported.
func traversable(d string) error {
	tmp := filepath.Clean(os.TempDir())
	for {
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("stat %s: %w", d, err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			if !strings.HasPrefix(d, tmp+string(filepath.Separator)) {
				return fmt.Errorf("%s is not searchable by other users (mode %v): the Dovecot mail uid cannot reach the instance directory below it", d, st.Mode().Perm())
			}
			if err := os.Chmod(d, st.Mode().Perm()|0o011); err != nil {
				return fmt.Errorf("chmod %s: %w", d, err)
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil
		}
		d = parent
	}
}

// remove deletes what Launch created: the instance directory if it made
// it, and a separate base_dir.
func (l layout) remove() {
	if l.ownBase {
		os.RemoveAll(l.baseDir)
	}
	if l.ownDir {
		os.RemoveAll(l.dir)
	}
}

func (s *Server) removeDirs() { s.l.remove() }
