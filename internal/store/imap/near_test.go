package imap_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// TestNearServer: a server on this host answers the first connection's
// NOOP at once and is near (doc/design/wan.md, "Near servers"); through
// a relay that delays each way it is not, however local its address.
// The NOOP is sent only where the store may open further connections:
// with /connections=1 the store is never near.
func TestNearServer(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	// A loaded machine may be slow to answer once: near on one of a few
	// logins. Far, it can never be: the relay holds each answer back.
	near := false
	for i := 0; i < 5 && !near; i++ {
		st, _ := poolStore(t, d, "")
		near = st.Near()
		st.Close()
	}
	if !near {
		t.Errorf("loopback Dovecot: never near in 5 logins")
	}
	one, _ := poolStore(t, d, "/connections=1")
	if one.Near() {
		t.Errorf("/connections=1: near; want no NOOP sent and not near")
	}
	r := startRelay(t, d.Addr(), 10*time.Millisecond)
	far := dialVia(t, r, d, t.TempDir(), "")
	defer far.Close()
	if far.Near() {
		t.Errorf("through a relay that delays 10 ms each way: near")
	}
}

// TestNearProbeNotTraced: a protocol trace (-di) shows what 5.2.7's run
// sends; the store sends no NOOP to measure the server then.
func TestNearProbeNotTraced(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	var trace bytes.Buffer
	st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls/user="+d.User+"}", imap.Options{
		Passwd: d.Password, ListStatus: true, Remote: store.Remote{Trace: &trace},
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	near := st.Near()
	st.Close()
	if near || strings.Contains(strings.ToUpper(trace.String()), "NOOP") {
		t.Errorf("traced store: near %v, trace:\n%s\nwant no NOOP", near, trace.String())
	}
}
