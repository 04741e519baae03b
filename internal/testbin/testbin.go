// Package testbin builds the mailsync command once per test process, for
// the tests that run it as a user would (CLI scripts, crash and hostile
// server tests). A test package calls Main from its TestMain and Path from
// its tests.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	once  sync.Once
	dir   string
	bin   string
	built error
)

// Main runs the tests of m and removes the built binary afterwards; it
// returns the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}

// Path returns the path of a mailsync binary built from this module,
// building it on first use. A failed build fails tb.
func Path(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		dir, built = os.MkdirTemp("", "mailsync-testbin-")
		if built != nil {
			return
		}
		if err := os.Chmod(dir, 0o755); err != nil { // other users (5.2.7's, Dovecot's) may run it
			built = err
			return
		}
		bin = filepath.Join(dir, "mailsync")
		goTool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			if goTool, err = exec.LookPath("go"); err != nil {
				goTool = "/usr/local/go/bin/go"
			}
		}
		cmd := exec.Command(goTool, "build", "-o", bin, "github.com/mailsync/mailsync/cmd/mailsync")
		if out, err := cmd.CombinedOutput(); err != nil {
			built = fmt.Errorf("go build ./cmd/mailsync: %v\n%s", err, out)
		}
	})
	if built != nil {
		tb.Fatal(built)
	}
	return bin
}

// RequireTools is the environment switch (make test and CI set it to 1)
// that turns a missing tool or account the tests need (mailsync 5.2.7,
// the test user mailsync-difftest, groff and man) from a skip into a
// failure. scripts/setup.sh installs them; tests never do.
const RequireTools = "MAILSYNC_REQUIRE_TOOLS"

// MissingTool reports a missing prerequisite: it fails tb under
// MAILSYNC_REQUIRE_TOOLS=1 and skips it otherwise. msg says what is
// missing; the hint to run scripts/setup.sh is added.
func MissingTool(tb testing.TB, msg string) {
	tb.Helper()
	msg += " (run scripts/setup.sh)"
	if os.Getenv(RequireTools) == "1" {
		tb.Fatal(msg)
		return
	}
	tb.Skip(msg + "; set " + RequireTools + "=1 to fail instead")
}
