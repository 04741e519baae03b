package hostile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
	"github.com/mailsync/mailsync/internal/testbin"
)

func TestMain(m *testing.M) { os.Exit(testbin.Main(m)) }

// world is a throw-away directory tree for one run: Root holds HOME
// (Root/home) and a sibling directory (Root/sibling) with files a
// hostile server might try to reach.
type world struct {
	t                   *testing.T
	Root, Home, Sibling string
}

// newWorld makes a world whose home and sibling hold a few files that
// must survive every test: an mbox with one message, an empty file and a
// plain file.
func newWorld(t *testing.T) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{t: t, Root: root, Home: filepath.Join(root, "home"), Sibling: filepath.Join(root, "sibling")}
	for _, d := range []string{w.Home, w.Sibling, filepath.Join(w.Home, "Mail")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := "From someone@example.org Tue Nov 14 22:13:21 2023\nMessage-ID: <secret@example.org>\nSubject: secret\n\nsecret body\n\n"
	w.write("home/secret_mbox", secret)
	w.write("home/emptyfile", "")
	w.write("sibling/secret_mbox", secret)
	w.write("sibling/notes.txt", "keep me\n")
	return w
}

// write writes a file below Root.
func (w *world) write(rel, content string) {
	w.t.Helper()
	p := filepath.Join(w.Root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// config writes ~/.mailsync (mode 0600, as a config with a password must be).
func (w *world) config(text string) { w.write("home/.mailsync", text) }

// tree is a snapshot of files and directories: path relative to the
// snapshot's root → kind, mode, size and content digest.
type tree map[string]string

// snapshot records every file and directory below dir (which may be
// missing: an empty tree).
func snapshot(t *testing.T, dir string) tree {
	t.Helper()
	out := tree{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			out[rel] = fmt.Sprintf("dir %v", info.Mode())
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out[rel] = fmt.Sprintf("file %v %d %s", info.Mode(), len(b), hex.EncodeToString(sum[:8]))
		default:
			out[rel] = fmt.Sprintf("other %v", info.Mode())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diff lists the paths that differ between two snapshots, skipping those
// for which keep returns true (the stores a run may change).
func diff(before, after tree, keep func(rel string) bool) []string {
	var out []string
	for p, b := range before {
		if keep != nil && keep(p) {
			continue
		}
		if a, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		} else if a != b {
			out = append(out, "changed "+p+": "+b+" -> "+a)
		}
	}
	for p := range after {
		if keep != nil && keep(p) {
			continue
		}
		if _, ok := before[p]; !ok {
			out = append(out, "added "+p)
		}
	}
	sort.Strings(out)
	return out
}

// under returns a keep function for diff that allows changes below the
// given paths (relative to the snapshot's root) and to the paths
// themselves.
func under(paths ...string) func(string) bool {
	return func(rel string) bool {
		for _, p := range paths {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	}
}

// result is what one run of mailsync did.
type result struct {
	Stdout, Stderr string
	Code           int
	// MaxRSS is the peak resident set size of the process, in bytes.
	MaxRSS int64
}

// run runs mailsync with args in the world (HOME=w.Home, no terminal,
// stdin empty) and returns what it did.
func (w *world) run(args ...string) result {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), testbin.Path(w.t), args...)
	cmd.Dir = w.Home
	cmd.Env = []string{"HOME=" + w.Home, "USER=tester", "LOGNAME=tester", "PATH=/usr/bin:/bin", "TZ=UTC", "LANG=C"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		w.t.Fatalf("mailsync %v: %v\nstdout:\n%s\nstderr:\n%s", args, err, r.Stdout, r.Stderr)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return r
}

// serve starts go-imap's memory server with user "sam", password
// "secret" and returns its address; the test stops it.
func serve(t *testing.T, opt imaptest.Options) string {
	t.Helper()
	opt.User, opt.Password = "sam", "secret"
	addr, stop, err := imaptest.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}
