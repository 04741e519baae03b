package testservers_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/mailsync/mailsync/internal/testbin"
	"github.com/mailsync/mailsync/internal/testservers"
)

func TestMain(m *testing.M) {
	code := testbin.Main(m)
	if err := testservers.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "stop test servers:", err)
		code = 1
	}
	os.Exit(code)
}
