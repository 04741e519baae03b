package difftest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
)

const (
	origBin  = "/usr/bin/mailsync"
	testUser = "mailsync-difftest"
)

// harness is the state shared by all scenarios.
type harness struct {
	ours     string // path of the clone's binary (or origBin in self mode)
	self     bool   // MAILSYNC_DIFFTEST_SELF: 5.2.7 against itself
	tmp      string // parent of all scenario directories
	user     string // user the binaries run as
	uid, gid int
	asRoot   bool // run through runuser
	verbose  bool // MAILSYNC_DIFFTEST_VERBOSE: log 5.2.7's output
}

var (
	setupOnce sync.Once
	theH      *harness
	setupSkip string
	setupErr  error
)

// getHarness prepares 5.2.7, the test user and the clone binary once.
func getHarness(t *testing.T) *harness {
	t.Helper()
	setupOnce.Do(func() { theH, setupSkip, setupErr = setup() })
	if setupSkip != "" {
		t.Skip(setupSkip)
	}
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return theH
}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := dovecot.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "difftest: stopping Dovecot:", err)
		if code == 0 {
			code = 1
		}
	}
	if theH != nil && theH.tmp != "" && os.Getenv("MAILSYNC_DIFFTEST_KEEP") == "" {
		os.RemoveAll(theH.tmp)
	}
	os.Exit(code)
}

func run(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// setup returns the harness, or a reason to skip, or an error.
func setup() (*harness, string, error) {
	h := &harness{asRoot: os.Geteuid() == 0, self: os.Getenv("MAILSYNC_DIFFTEST_SELF") != "",
		verbose: os.Getenv("MAILSYNC_DIFFTEST_VERBOSE") != ""}
	if _, err := os.Stat(origBin); err != nil {
		if !h.asRoot {
			return nil, "mailsync 5.2.7 (" + origBin + ") is not installed and installing it needs root: apt-get install mailsync", nil
		}
		if err := run("apt-get", "install", "-y", "mailsync"); err != nil {
			if err := run("apt-get", "update"); err != nil {
				return nil, "", err
			}
			if err := run("apt-get", "install", "-y", "mailsync"); err != nil {
				return nil, "", err
			}
		}
	}
	if h.asRoot {
		if _, err := user.Lookup(testUser); err != nil {
			if err := run("useradd", "-M", "-s", "/usr/sbin/nologin", testUser); err != nil {
				return nil, "", err
			}
		}
		h.user = testUser
	} else {
		u, err := user.Current()
		if err != nil {
			return nil, "", err
		}
		h.user = u.Username
	}
	u, err := user.Lookup(h.user)
	if err != nil {
		return nil, "", err
	}
	h.uid, _ = strconv.Atoi(u.Uid)
	h.gid, _ = strconv.Atoi(u.Gid)
	if h.tmp, err = os.MkdirTemp("", "mailsync-difftest-"); err != nil {
		return nil, "", err
	}
	if err := os.Chmod(h.tmp, 0o755); err != nil {
		return nil, "", err
	}
	if h.self {
		h.ours = origBin
		return h, "", nil
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, "", err
	}
	h.ours = filepath.Join(h.tmp, "mailsync")
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = "/usr/local/go/bin/go"
	}
	cmd := exec.Command(goBin, "build", "-o", h.ours, "./cmd/mailsync")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("building the clone (go build ./cmd/mailsync) failed: %v\n%s", err, out)
	}
	return h, "", os.Chmod(h.ours, 0o755)
}

// moduleRoot finds the directory holding go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// runAs runs bin with args as the test user in root (HOME = root/home).
func (h *harness) runAs(bin, root string, args []string, env []string) (*Result, error) {
	home := filepath.Join(root, "home")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	envArgs := append([]string{"-i", "HOME=" + home, "USER=" + h.user, "PATH=/usr/bin:/bin", "TZ=UTC"}, env...)
	envArgs = append(envArgs, bin)
	envArgs = append(envArgs, args...)
	var cmd *exec.Cmd
	if h.asRoot {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", h.user, "--", "env"}, envArgs...)...)
	} else {
		cmd = exec.CommandContext(ctx, "env", envArgs...)
	}
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := &Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%s timed out", bin)
	case errors.As(err, &ee):
		r.Exit = ee.ExitCode()
	case err != nil:
		return nil, err
	}
	r.Stdout = strings.ReplaceAll(r.Stdout, root, "ROOT")
	r.Stderr = strings.ReplaceAll(r.Stderr, root, "ROOT")
	return r, nil
}
