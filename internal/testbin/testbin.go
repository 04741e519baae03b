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
