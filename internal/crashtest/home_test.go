package crashtest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/testbin"
)

// tempRoot is where homes are made: /dev/shm (tmpfs, so fsync is cheap)
// when it exists, else the default temporary directory.
func tempRoot() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if f, err := os.CreateTemp("/dev/shm", "crashtest-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return os.TempDir()
}

// home is one HOME directory for mailsync runs.
type home struct {
	t   *testing.T
	dir string
}

// newHome makes an empty home, removed when the test ends.
func newHome(t *testing.T) *home {
	t.Helper()
	dir, err := os.MkdirTemp(tempRoot(), "crashtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return &home{t: t, dir: dir}
}

// path is a file name below the home.
func (h *home) path(rel string) string { return filepath.Join(h.dir, rel) }

// write writes a file below the home (mode 0600), making parents.
func (h *home) write(rel string, data []byte) {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
}

// env is the environment of a mailsync run in this home.
func (h *home) env() []string {
	return []string{"HOME=" + h.dir, "USER=tester", "TZ=UTC", "PATH=" + os.Getenv("PATH"),
		"MAILSYNC_TEST_HOSTNAME=testhost"}
}

// result is the outcome of one mailsync run.
type result struct {
	stdout, stderr string
	code           int            // exit status; -1 when killed by a signal
	signal         syscall.Signal // the signal that ended it, if any
	dur            time.Duration
}

// proc is a running mailsync.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	start          time.Time
	done           chan struct{}
	res            result
}

// start starts mailsync with args in this home.
func (h *home) start(args ...string) *proc {
	h.t.Helper()
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(testbin.Path(h.t), args...)
	p.cmd.Env = h.env()
	p.cmd.Dir = h.dir
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		p.res = result{stdout: p.stdout.String(), stderr: p.stderr.String(), dur: time.Since(p.start)}
		p.res.code = p.cmd.ProcessState.ExitCode()
		if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.res.signal = ws.Signal()
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			p.res.stderr += "\n(wait: " + err.Error() + ")"
		}
		close(p.done)
	}()
	h.t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the run to end, killing it after limit.
func (p *proc) wait(t *testing.T, limit time.Duration) result {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		// SIGQUIT makes a Go program print its goroutines' stacks.
		p.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-p.done:
		case <-time.After(2 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
		t.Fatalf("mailsync %v still running after %v; killed it\nstdout:\n%s\nstderr:\n%s", p.cmd.Args[1:], limit, p.res.stdout, mainStack(p.res.stderr))
	}
	return p.res
}

// runLimit is how long run lets mailsync work. A sync here takes about
// a second; one that hangs is stopped with SIGQUIT (its stacks are shown)
// and counts as a failure.
var runLimit = 15 * time.Second

// mainStack shortens a SIGQUIT dump to what precedes it and the stack of
// the main goroutine.
func mainStack(stderr string) string {
	i := strings.Index(stderr, "SIGQUIT")
	if i < 0 {
		return stderr
	}
	out := stderr[:i]
	if j := strings.Index(stderr, "goroutine 1 "); j >= 0 {
		g := stderr[j:]
		if k := strings.Index(g, "\n\n"); k >= 0 {
			g = g[:k]
		}
		out += g
	}
	return out
}

// run runs mailsync to its end (at most runLimit).
func (h *home) run(args ...string) result {
	h.t.Helper()
	return h.start(args...).wait(h.t, runLimit)
}

// copyTree copies the directory tree src into dst,
// keeping modes and modification times.
func copyTree(ctx context.Context, src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == "." {
				return nil // dst itself may exist
			}
			return os.Mkdir(out, info.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, data, info.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(out, info.ModTime(), info.ModTime())
	})
}
