package crashtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/testbin"
)

// TestMain runs the tests (the mailsync binary is built on first use,
// package testbin) and stops the shared Dovecot servers.
func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	// Temporary files, the Dovecot server's mail included, go to
	// /dev/shm when it exists: fsync is cheap there.
	// A flag child (flagchild_test.go) may be killed: it makes no
	// directory it could leave behind.
	if root := tempRoot(); root != os.TempDir() && os.Getenv(flagChildEnv) == "" {
		tmp, err := os.MkdirTemp(root, "crashtest-tmp-")
		if err == nil && os.Chmod(tmp, 0o755) == nil { // Dovecot's mail account must traverse it
			defer os.RemoveAll(tmp)
			os.Setenv("TMPDIR", tmp)
		}
	}
	code := testbin.Main(m)
	if err := dovecot.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "crashtest: stop dovecot:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
