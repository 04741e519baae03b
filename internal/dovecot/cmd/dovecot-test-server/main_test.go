package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailsync/mailsync/internal/dovecot"
)

// The test binary doubles as the command when this variable is set.
const runMainEnv = "DOVECOT_TEST_SERVER_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func TestShellQuote(t *testing.T) {
	for _, v := range []string{"", "plain", "it's", "a b", `$x "y" \z`, "''"} {
		out, err := exec.Command("sh", "-c", "V="+shellQuote(v)+`; printf %s "$V"`).Output()
		if err != nil || string(out) != v {
			t.Errorf("shellQuote(%q) = %s: sh read %q, %v", v, shellQuote(v), out, err)
		}
	}
}

// parseEnv reads KEY='value' lines as sh would.
func parseEnv(t *testing.T, text string) map[string]string {
	t.Helper()
	out, err := exec.Command("sh", "-c", "set -a\n"+text+"\nenv").Output()
	if err != nil {
		t.Fatalf("sh cannot source %q: %v", text, err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "DOVECOT_") {
			env[k] = v
		}
	}
	return env
}

func TestCommand(t *testing.T) {
	envFile := t.TempDir() + "/server.env"
	cmd := exec.Command(os.Args[0], "-delim", ".", "-user", "ann", "-password", "it's", "-env", envFile)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// On an early failure: SIGTERM, so the command stops Dovecot and
		// removes its directory; SIGKILL if it does not exit.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	})

	// Standard output ends (EOF) while the server keeps running.
	read := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(stdout)
		read <- string(b)
	}()
	var printed string
	select {
	case printed = <-read:
	case <-time.After(2 * time.Minute):
		t.Fatal("no EOF on standard output")
	}
	if printed == "" {
		<-exited
		err := waitErr
		if os.Getenv(dovecot.RequireEnv) == "1" {
			t.Fatalf("command failed: %v\n%s", err, stderr.String())
		}
		t.Skipf("Dovecot unavailable: %v\n%s", err, stderr.String())
	}
	fromFile, err := os.ReadFile(envFile)
	if err != nil || string(fromFile) != printed {
		t.Errorf("-env file %q, %v; want what was printed, %q", fromFile, err, printed)
	}
	env := parseEnv(t, printed)
	for _, k := range []string{"DOVECOT_ADDR", "DOVECOT_TLS_ADDR", "DOVECOT_CA", "DOVECOT_CONFIG", "DOVECOT_DIR", "DOVECOT_PID"} {
		if env[k] == "" {
			t.Errorf("%s missing in %q", k, printed)
		}
	}
	if env["DOVECOT_USER"] != "ann" || env["DOVECOT_PASSWORD"] != "it's" || env["DOVECOT_DELIM"] != "." {
		t.Errorf("user/password/delim: %q %q %q", env["DOVECOT_USER"], env["DOVECOT_PASSWORD"], env["DOVECOT_DELIM"])
	}

	c, err := imapclient.DialInsecure(env["DOVECOT_ADDR"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(env["DOVECOT_USER"], env["DOVECOT_PASSWORD"]).Wait(); err != nil {
		t.Errorf("login: %v", err)
	}
	c.Close()

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-exited
	if err := waitErr; err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(env["DOVECOT_DIR"]); !os.IsNotExist(err) {
		t.Errorf("temporary instance directory after exit: %v", err)
	}
}
