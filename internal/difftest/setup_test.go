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
	"github.com/mailsync/mailsync/internal/testbin"
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

// getHarness prepares the harness once: it checks that 5.2.7 and the test
// user are there and has the clone binary built (package testbin). A
// missing prerequisite skips the test, or fails it under
// MAILSYNC_REQUIRE_TOOLS=1.
func getHarness(t *testing.T) *harness {
	t.Helper()
	self := os.Getenv("MAILSYNC_DIFFTEST_SELF") != ""
	ours := origBin
	if !self {
		ours = testbin.Path(t) // built once; its directory is 0755, so the test user can run it
	}
	setupOnce.Do(func() { theH, setupSkip, setupErr = setup(ours, self) })
	if setupSkip != "" {
		testbin.MissingTool(t, setupSkip)
	}
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return theH
}

func TestMain(m *testing.M) {
	code := testbin.Main(m)
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

// setup returns the harness running ours against 5.2.7, or a reason to
// skip (a missing prerequisite: scripts/setup.sh installs 5.2.7 and
// creates the test user), or an error.
func setup(ours string, self bool) (*harness, string, error) {
	h := &harness{ours: ours, self: self, asRoot: os.Geteuid() == 0,
		verbose: os.Getenv("MAILSYNC_DIFFTEST_VERBOSE") != ""}
	if _, err := os.Stat(origBin); err != nil {
		return nil, "mailsync 5.2.7 (" + origBin + ", Debian package mailsync) is not installed", nil
	}
	if h.asRoot {
		if _, err := user.Lookup(testUser); err != nil {
			return nil, "the user " + testUser + " that runs both binaries is missing", nil
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
	return h, "", nil
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
