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
// "# Dn:" comment in the script, Dn being the decision's label there. Each
// script says where its expectations come from ("# expect: 5.2.7" or
// "# expect: ours", script_origin_test.go).
//
// Every script starts with HOME=$WORK/home, USER=tester, TZ=UTC, the host
// name "testhost" and "now" fixed at 2026-01-02T03:04:05Z. The condition
// [root] is true when the test runs as root (permission checks do not apply).
//
// MAILSYNC_UPDATE_SCRIPTS=1 rewrites the expected files of failing cmp
// lines, only in the scripts whose expectations are our own: a script
// from 5.2.7 fails as without it.
func TestScripts(t *testing.T) {
	ours, from527, _, err := scriptOrigins(scriptDir)
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("MAILSYNC_UPDATE_SCRIPTS") == "1"
	testscript.Run(t, scriptParams(ours, true, update))
	testscript.Run(t, scriptParams(from527, false, update))
}

// scriptParams runs the scripts files, whose expectations are our own
// (mine) or from 5.2.7. update (MAILSYNC_UPDATE_SCRIPTS) is honoured only
// for scripts of our own: never for expectations from 5.2.7.
func scriptParams(files []string, mine, update bool) testscript.Params {
	refuse := update && !mine
	return testscript.Params{
		Files:         files,
		UpdateScripts: update && mine,
		Setup: func(env *testscript.Env) error {
			if refuse {
				env.T().Log("MAILSYNC_UPDATE_SCRIPTS=1 ignored: this script's expectations come from mailsync 5.2.7 (" + origin527 + ") and are never rewritten")
			}
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
	}
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
