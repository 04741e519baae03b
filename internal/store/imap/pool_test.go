package imap_test

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// refusingLogin refuses the login of a session when refuse is set (a
// server's per-user connection limit).
type refusingLogin struct {
	imapserver.Session
	refuse bool
}

func (r refusingLogin) Login(user, pass string) error {
	if r.refuse {
		return &goimap.Error{Type: goimap.StatusResponseTypeNo, Text: "Maximum number of connections exceeded"}
	}
	return r.Session.Login(user, pass)
}

// poolServer starts a memory server whose sessions after the first
// maxLogins refuse to log in (0: none refuses) and dials a store to it
// with flags; out gets the store's login notes.
func poolServer(t *testing.T, maxLogins int32, flags string) (*imap.Store, *bytes.Buffer, *atomic.Int32) {
	t.Helper()
	var sessions atomic.Int32
	m := &memServer{}
	addr, stop, err := imaptest.Start(imaptest.Options{User: testUser, Password: testPass, Folders: []string{"a", "b", "c"},
		Wrap: func(s imapserver.Session) imapserver.Session {
			n := sessions.Add(1)
			return refusingLogin{Session: s, refuse: maxLogins > 0 && n > maxLogins}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	sessions.Store(0) // imaptest made one session to probe the capabilities
	m.addr = addr
	var out bytes.Buffer
	st, err := m.dial(t, "/notls"+flags, imap.Options{Remote: store.Remote{Out: &out}})
	if err != nil {
		t.Fatal(err)
	}
	return st, &out, &sessions
}

// TestPoolOpensFurtherConnectionsQuietly: a box opened while another is
// open gets a connection of its own, logged in without a second
// "Authorizing against" line; the store then allows boxes at once.
func TestPoolOpensFurtherConnectionsQuietly(t *testing.T) {
	st, out, sessions := poolServer(t, 0, "")
	ctx := t.Context()
	if !st.ConcurrentBoxes() || st.Connections() != 4 {
		t.Fatalf("ConcurrentBoxes %v, Connections %d: want true and 4 by default", st.ConcurrentBoxes(), st.Connections())
	}
	var open []store.Mailbox
	for _, n := range []string{"a", "b", "c"} {
		mb, err := st.Open(ctx, n, store.ReadWrite)
		if err != nil {
			t.Fatalf("open %s beside the others: %v", n, err)
		}
		if _, err := mb.Messages(ctx); err != nil {
			t.Fatal(err)
		}
		open = append(open, mb)
	}
	for _, mb := range open {
		mb.Close()
	}
	if n := sessions.Load(); n != 3 {
		t.Errorf("%d connections for three boxes open at once, want 3", n)
	}
	if n := strings.Count(out.String(), "Authorizing against"); n != 1 {
		t.Errorf("login notes:\n%s\nwant exactly one \"Authorizing against\" line", out)
	}
}

// TestPoolRefusedLoginFallsBack: when the server refuses a further
// connection's login, the store goes on silently with the connection it
// has: the second box waits for it, and the store no longer offers to
// work on boxes at once.
func TestPoolRefusedLoginFallsBack(t *testing.T) {
	st, out, sessions := poolServer(t, 1, "")
	ctx := t.Context()
	a, err := st.Open(ctx, "a", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	type opened struct {
		mb  store.Mailbox
		err error
	}
	done := make(chan opened, 1)
	go func() {
		mb, err := st.Open(ctx, "b", store.ReadWrite)
		done <- opened{mb, err}
	}()
	select {
	case o := <-done:
		t.Fatalf("box b opened while a holds the only connection the server allows: %v", o.err)
	case <-time.After(300 * time.Millisecond):
	}
	a.Close()
	o := <-done
	if o.err != nil {
		t.Fatalf("open b after a was closed: %v", o.err)
	}
	if _, err := o.mb.Messages(ctx); err != nil {
		t.Fatal(err)
	}
	o.mb.Close()
	if st.Connections() != 1 || st.ConcurrentBoxes() {
		t.Errorf("after a refused login: Connections %d, ConcurrentBoxes %v; want 1 and false", st.Connections(), st.ConcurrentBoxes())
	}
	if n := sessions.Load(); n != 2 {
		t.Errorf("the server saw %d connections, want 2 (one refused, not tried again)", n)
	}
	if strings.Count(out.String(), "Authorizing against") != 1 || strings.Contains(out.String(), "rror") {
		t.Errorf("login notes:\n%s\nwant one \"Authorizing against\" line and no error", out)
	}
}

// TestPoolLimit: /connections=N bounds the pool; 1 is one box after the
// other. Values outside 1 to 16 are errors.
func TestPoolLimit(t *testing.T) {
	st, _, _ := poolServer(t, 0, "/connections=1")
	if st.Connections() != 1 || st.ConcurrentBoxes() {
		t.Errorf("/connections=1: Connections %d, ConcurrentBoxes %v; want 1 and false", st.Connections(), st.ConcurrentBoxes())
	}
	srv, _, err := imap.ParseName("{h/connections=2/user=u}INBOX")
	if err != nil || srv.Connections != 2 {
		t.Errorf("/connections=2: %+v, %v", srv, err)
	}
	for _, bad := range []string{"/connections", "/connections=0", "/connections=17", "/connections=x"} {
		if _, _, err := imap.ParseName("{h" + bad + "}INBOX"); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
