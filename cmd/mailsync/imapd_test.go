package main

import (
	"io"
	"log"
	"net"
	"os"
	"strconv"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdIMAPD is the script command "imapd USER PASSWORD [FOLDER...]": it
// starts go-imap's in-process server (delimiter '/') on a loopback port
// for the rest of the script, with one user, INBOX and the given
// folders, and sets $IMAPPORT. The server stops when the script ends.
func cmdIMAPD(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: imapd USER PASSWORD [FOLDER...]")
	}
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(args[0], args[1])
	for _, name := range append([]string{"INBOX"}, args[2:]...) {
		ts.Check(user.Create(name, nil))
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapIMAP4rev2: {}},
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	ts.Defer(func() {
		srv.Close()
		<-done
	})
	ts.Setenv("IMAPPORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
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
