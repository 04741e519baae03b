package main

import (
	"net"
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// cmdIMAPD is the script command "imapd USER PASSWORD [FOLDER...]": it
// starts go-imap's in-process server (delimiter '/') on a loopback port
// for the rest of the script, with one user, INBOX and the given
// folders, and sets $IMAPPORT. The server stops when the script ends.
func cmdIMAPD(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: imapd USER PASSWORD [FOLDER...]")
	}
	addr, stop, err := imaptest.Start(imaptest.Options{User: args[0], Password: args[1], Folders: args[2:]})
	ts.Check(err)
	ts.Defer(stop)
	_, port, _ := net.SplitHostPort(addr)
	ts.Setenv("IMAPPORT", port)
}

// cmdEnvsubst is the script command "envsubst FILE...": it replaces
// ${VAR} in the files with the script's environment (for $IMAPPORT).
func cmdEnvsubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: envsubst FILE...")
	}
	for _, f := range args {
		data := ts.ReadFile(f)
		out := os.Expand(data, func(k string) string { return ts.Getenv(k) })
		ts.Check(os.WriteFile(ts.MkAbs(f), []byte(out), 0o600))
	}
}
