package main

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"os/exec"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// Script commands of the modern-account scripts (accounts_*.txtar;
// doc/design/accounts.md).

// scriptToken is the OAuth2 access token the "dovecot oauth" endpoint
// accepts for the server's user.
const scriptToken = "ya29.script-token"

// dovecotAvailable is the script condition [dovecot]: a Dovecot binary is
// installed, or the environment requires Dovecot tests to run (then a
// failing start fails the script instead of skipping it).
func dovecotAvailable() bool {
	if os.Getenv(dovecot.RequireEnv) == "1" {
		return true
	}
	_, err := exec.LookPath("dovecot")
	if err != nil {
		_, err = os.Stat("/usr/sbin/dovecot")
	}
	return err == nil
}

// cmdDovecot is the script command "dovecot [oauth]": it starts a private
// Dovecot (user joe, password secret, delimiter '/') for the rest of the
// script and sets $DOVEPORT (plain, STARTTLS offered), $DOVETLSPORT
// (implicit TLS) and $DOVECA (its CA file). With "oauth" the server also
// accepts XOAUTH2 and OAUTHBEARER, and $TOKEN is the one valid token.
func cmdDovecot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 || (len(args) == 1 && args[0] != "oauth") {
		ts.Fatalf("usage: dovecot [oauth]")
	}
	var opt dovecot.Options
	if len(args) == 1 {
		tokens, err := dovecot.ServeTokens(map[string]string{scriptToken: dovecot.DefaultUser.Name})
		ts.Check(err)
		ts.Defer(func() { tokens.Close() })
		opt.OAuth2URL = tokens.URL
		ts.Setenv("TOKEN", scriptToken)
	}
	s, err := dovecot.Launch(context.Background(), opt, "")
	ts.Check(err)
	ts.Defer(func() { s.Stop() })
	ts.Setenv("DOVEPORT", strconv.Itoa(s.Port()))
	ts.Setenv("DOVETLSPORT", strconv.Itoa(s.TLSPort()))
	ts.Setenv("DOVECA", s.CAFile)
}

// cmdIMAPDTLS is the script command "imapd-tls USER PASSWORD CAFILE": an
// in-process server like imapd, offering STARTTLS with a certificate of a
// fresh CA of its own, which it writes to CAFILE. It sets $IMAPTLSPORT.
func cmdIMAPDTLS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: imapd-tls USER PASSWORD CAFILE")
	}
	caPEM, certPEM, keyPEM, err := dovecot.NewCA()
	ts.Check(err)
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), caPEM, 0o644))
	addr, stop, err := imaptest.Start(imaptest.Options{User: args[0], Password: args[1],
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	ts.Check(err)
	ts.Defer(stop)
	_, port, _ := net.SplitHostPort(addr)
	ts.Setenv("IMAPTLSPORT", port)
}
