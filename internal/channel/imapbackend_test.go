package channel

import (
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
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
	addr, stop, err := imaptest.Start(imaptest.Options{User: "joe", Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	server := "{" + addr + "/notls/user=joe}"
	st, err := imap.Dial(t.Context(), server, imap.Options{Passwd: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, &config.Store{Name: name, Server: server, Ref: server, Pat: "box/*", Prefix: "box/", Passwd: "secret"}
}
