// Package imaptest runs go-imap's in-process IMAP server (imapmemserver)
// on a loopback port for tests: the IMAP backend's own tests, the engine's
// scenarios over IMAP and the CLI scripts share it.
package imaptest

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Options describe the server.
type Options struct {
	User, Password string
	// Folders are created besides INBOX.
	Folders []string
	// Caps are the capabilities; nil means IMAP4rev1 and IMAP4rev2.
	Caps goimap.CapSet
	// TLS enables STARTTLS with this configuration.
	TLS *tls.Config
	// Trace receives the server's side of the dialogue.
	Trace io.Writer
	// Wrap, when set, wraps every session of the well-behaved memory
	// server: a test overrides the methods whose answers it wants to
	// falsify (a hostile or buggy server) and embeds the rest. A wrapper
	// that embeds imapserver.Session hides the optional interfaces
	// (IMAP4rev2, NAMESPACE, MOVE): their capabilities are then not
	// announced.
	Wrap func(imapserver.Session) imapserver.Session
}

// Start starts a server on 127.0.0.1 and returns its address and the
// function that stops it.
func Start(opt Options) (addr string, stop func(), err error) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(opt.User, opt.Password)
	for _, name := range append([]string{"INBOX"}, opt.Folders...) {
		if err := user.Create(name, nil); err != nil {
			return "", nil, fmt.Errorf("create %s: %w", name, err)
		}
	}
	mem.AddUser(user)
	caps := opt.Caps
	if caps == nil {
		caps = goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapIMAP4rev2: {}}
	}
	if opt.Wrap != nil {
		caps = supported(caps, opt.Wrap(mem.NewSession()))
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			var sess imapserver.Session = mem.NewSession()
			if opt.Wrap != nil {
				sess = opt.Wrap(sess)
			}
			return sess, nil, nil
		},
		InsecureAuth: true,
		Caps:         caps,
		TLSConfig:    opt.TLS,
		DebugWriter:  opt.Trace,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return ln.Addr().String(), func() {
		srv.Close()
		<-done
	}, nil
}

// supported returns caps without the capabilities whose optional session
// interface sess lacks (go-imap's server refuses to announce them).
func supported(caps goimap.CapSet, sess imapserver.Session) goimap.CapSet {
	out := goimap.CapSet{}
	for c := range caps {
		out[c] = struct{}{}
	}
	if _, ok := sess.(imapserver.SessionIMAP4rev2); !ok {
		delete(out, goimap.CapIMAP4rev2)
		out[goimap.CapIMAP4rev1] = struct{}{}
	}
	if _, ok := sess.(imapserver.SessionNamespace); !ok {
		delete(out, goimap.CapNamespace)
	}
	if _, ok := sess.(imapserver.SessionMove); !ok {
		delete(out, goimap.CapMove)
	}
	if _, ok := sess.(imapserver.SessionUnauthenticate); !ok {
		delete(out, goimap.CapUnauthenticate)
	}
	return out
}
