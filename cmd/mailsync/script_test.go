package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the testscript scripts run mailsyncMain as the command
// "mailsync" (a re-execution of the test binary).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mailsync": func() {
			// testscript cannot unset a variable; TESTSCRIPT_UNSET names
			// variables (comma-separated) to remove before mailsync runs.
			if names := os.Getenv("TESTSCRIPT_UNSET"); names != "" {
				for _, n := range strings.Split(names, ",") {
					os.Unsetenv(n)
				}
				os.Unsetenv("TESTSCRIPT_UNSET")
			}
			os.Exit(mailsyncMain())
		},
	})
}

// TestScripts runs the CLI golden scripts in testdata/script. Their expected
// output was produced by mailsync 5.2.7, except where
// doc/design/decisions.md says the clone differs; such places carry a
// "# Dn:" comment in the script, Dn being the decision's label there.
//
// Every script starts with HOME=$WORK/home, USER=tester, TZ=UTC, the host
// name "testhost" and "now" fixed at 2026-01-02T03:04:05Z. The condition
// [root] is true when the test runs as root (permission checks do not apply).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script",
		// MAILSYNC_UPDATE_SCRIPTS=1 rewrites the expected files of failing
		// cmp lines (only for scripts whose expectations are our own, such
		// as IMAP ones against the in-process server; never for outputs
		// taken from 5.2.7).
		UpdateScripts: os.Getenv("MAILSYNC_UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.Getenv("WORK")+"/home")
			env.Setenv("USER", "tester")
			env.Setenv("TZ", "UTC")
			env.Setenv("MAILSYNC_TEST_HOSTNAME", "testhost")
			env.Setenv("MAILSYNC_TEST_NOW", "2026-01-02T03:04:05Z")
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"imapd":      cmdIMAPD,
			"envsubst":   cmdEnvsubst,
			"faultproxy": cmdFaultProxy,
			"sleep":      cmdSleep,
			"dovecot":    cmdDovecot,
			"imapd-tls":  cmdIMAPDTLS,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "dovecot":
				return dovecotAvailable(), nil
			}
			return false, &unknownCondError{cond}
		},
	})
}

// cmdSleep waits for the duration given (time.ParseDuration syntax):
// "sleep 2100ms". Used where only elapsed time makes a file's times
// trustworthy (package filesig), never to wait for a process.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		ts.Fatalf("sleep: %v", err)
	}
	time.Sleep(d)
}

type unknownCondError struct{ cond string }

func (e *unknownCondError) Error() string { return "unknown condition " + e.cond }
