package channel

import (
	"io"
	"log"
	"net"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// imapBackend is an IMAP store on go-imap's in-process server against a
// second one: the engine scenarios run over the real IMAP backend.
func imapBackend(t *testing.T) (store.Store, store.Store, *config.Store, *config.Store) {
	a, ca := memIMAP(t, "a")
	b, cb := memIMAP(t, "b")
	return a, b, ca, cb
}

// memIMAP starts an in-process IMAP server and returns a logged-in store
// on it with the configuration of a store named name.
func memIMAP(t *testing.T, name string) (store.Store, *config.Store) {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("joe", "secret")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
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
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	server := "{" + ln.Addr().String() + "/notls/user=joe}"
	st, err := imap.Dial(t.Context(), server, imap.Options{Passwd: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, &config.Store{Name: name, Server: server, Ref: server, Pat: "box/*", Prefix: "box/", Passwd: "secret"}
}
