package dovecot

import (
	"fmt"
	"os"
	"testing"
)

// TestMain stops the servers Shared started, as every package using
// Shared should.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "stop shared dovecot:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
