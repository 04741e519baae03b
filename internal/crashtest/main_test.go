package crashtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// binary is the mailsync executable TestMain built.
var binary string

// TestMain builds cmd/mailsync once, runs the tests and stops the shared
// Dovecot servers.
func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "crashtest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "mailsync")
	cmd := exec.Command("go", "build", "-o", binary, "github.com/mailsync/mailsync/cmd/mailsync")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "crashtest: go build:", err)
		return 1
	}
	// Temporary files, the Dovecot server's mail included, go to
	// /dev/shm when it exists: fsync is cheap there.
	if root := tempRoot(); root != os.TempDir() {
		tmp, err := os.MkdirTemp(root, "crashtest-tmp-")
		if err == nil && os.Chmod(tmp, 0o755) == nil { // Dovecot's mail account must traverse it
			defer os.RemoveAll(tmp)
			os.Setenv("TMPDIR", tmp)
		}
	}
	code := m.Run()
	if err := dovecot.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "crashtest: stop dovecot:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
