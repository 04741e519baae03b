// Command dovecot-test-server runs one private Dovecot IMAP server on
// 127.0.0.1 (see package internal/dovecot) for benchmarks and differential
// tests, until SIGTERM or SIGINT.
//
// Once the server is ready it prints shell-sourceable lines
//
//	DOVECOT_ADDR='127.0.0.1:PORT'   plain IMAP, STARTTLS offered
//	DOVECOT_TLS_ADDR=...            implicit TLS
//	DOVECOT_HOST DOVECOT_PORT DOVECOT_TLS_PORT DOVECOT_USER DOVECOT_PASSWORD
//	DOVECOT_CA (PEM file of the CA) DOVECOT_DELIM DOVECOT_PREFIX DOVECOT_HOME
//	DOVECOT_MAILDIR DOVECOT_CONFIG (for doveadm -c) DOVECOT_DIR DOVECOT_LOG
//	DOVECOT_PID (the Dovecot master) DOVECOT_SERVER_PID (this command)
//
// to standard output, writes the same to the -env file if given, and closes
// standard output, so both of these work:
//
//	eval "$(dovecot-test-server -dir /tmp/d &)"; ...; kill "$DOVECOT_SERVER_PID"
//	dovecot-test-server -env /tmp/d.env & until [ -e /tmp/d.env ]; do sleep 0.1; done; . /tmp/d.env
//
// It exits 0 after stopping the server on a signal, 1 if the server cannot
// start or dies, 2 on bad flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/mailsync/mailsync/internal/dovecot"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("dovecot-test-server", flag.ContinueOnError)
	delim := fs.String("delim", "", `hierarchy delimiter "/" or "." (default "/", or "." with -inbox-prefix)`)
	inboxPrefix := fs.Bool("inbox-prefix", false, `put all folders under the namespace prefix "INBOX"+delim`)
	dir := fs.String("dir", "", "instance directory, kept after exit (default: a temporary one, removed)")
	user := fs.String("user", dovecot.DefaultUser.Name, "user name")
	password := fs.String("password", dovecot.DefaultUser.Password, "password")
	maxConns := fs.Int("max-connections", 0, "mail_max_userip_connections (default 64)")
	envFile := fs.String("env", "", "also write the KEY=value lines to this file (atomically) when ready")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 0 || len(*delim) > 1 {
		fmt.Fprintln(os.Stderr, "dovecot-test-server: unexpected arguments; see -h")
		return 2
	}
	opt := dovecot.Options{
		InboxPrefix:    *inboxPrefix,
		Users:          []dovecot.User{{Name: *user, Password: *password}},
		MaxConnections: *maxConns,
	}
	if *delim != "" {
		opt.Delim = (*delim)[0]
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	s, err := dovecot.Launch(ctx, opt, *dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dovecot-test-server:", err)
		return 1
	}
	code := serve(ctx, s, *envFile)
	if err := s.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "dovecot-test-server: stop:", err)
		code = 1
	}
	return code
}

// serve publishes the server's coordinates and waits for a signal or the
// server's death.
func serve(ctx context.Context, s *dovecot.Server, envFile string) int {
	env := envLines(s)
	if envFile != "" {
		if err := writeAtomic(envFile, env); err != nil {
			fmt.Fprintln(os.Stderr, "dovecot-test-server:", err)
			return 1
		}
	}
	if _, err := os.Stdout.WriteString(env); err != nil {
		fmt.Fprintln(os.Stderr, "dovecot-test-server: write stdout:", err)
		return 1
	}
	os.Stdout.Close() // let $(...) see EOF while the server runs
	select {
	case <-ctx.Done():
		return 0
	case <-s.Done():
		fmt.Fprintf(os.Stderr, "dovecot-test-server: dovecot exited unexpectedly; see %s\n", s.Log)
		return 1
	}
}

func envLines(s *dovecot.Server) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"DOVECOT_HOST", "127.0.0.1"},
		{"DOVECOT_PORT", strconv.Itoa(s.Port())},
		{"DOVECOT_TLS_PORT", strconv.Itoa(s.TLSPort())},
		{"DOVECOT_ADDR", s.Addr()},
		{"DOVECOT_TLS_ADDR", s.TLSAddr()},
		{"DOVECOT_USER", s.User},
		{"DOVECOT_PASSWORD", s.Password},
		{"DOVECOT_CA", s.CAFile},
		{"DOVECOT_DELIM", string(s.Delim)},
		{"DOVECOT_PREFIX", s.Prefix},
		{"DOVECOT_HOME", s.Home},
		{"DOVECOT_MAILDIR", s.MaildirPath("INBOX")},
		{"DOVECOT_CONFIG", s.Config},
		{"DOVECOT_DIR", s.Dir},
		{"DOVECOT_LOG", s.Log},
		{"DOVECOT_PID", strconv.Itoa(s.PID())},
		{"DOVECOT_SERVER_PID", strconv.Itoa(os.Getpid())},
	} {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// shellQuote quotes v for sh: in single quotes, each quote written as quote, backslash, quote, quote.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

func writeAtomic(path, data string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dovecot-env-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.WriteString(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("rename %s: %w", tmp.Name(), err)
	}
	return nil
}
