package imap_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// poolStore dials d as a sync does (LIST-STATUS asked for) with flags;
// out gets the store's login notes.
func poolStore(t *testing.T, d *dovecot.Server, flags string) (*imap.Store, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls"+flags+"/user="+d.User+"}", imap.Options{
		Passwd: d.Password, ListStatus: true, Remote: store.Remote{Notes: printed(&out)},
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, &out
}

// TestPoolOpensFurtherConnections: a box opened while others are open
// gets a connection of its own (one connection holds one selected
// folder), logged in with the first login's password without asking and
// without a line: the store prints the one "Authorizing against" line of
// its first connection (doc/design/decisions.md#d15-login-lines); the
// store allows boxes at once.
func TestPoolOpensFurtherConnections(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 3, 1)
	st, out := poolStore(t, d, "")
	ctx := t.Context()
	if !st.ConcurrentBoxes() || st.Connections() != 4 {
		t.Fatalf("ConcurrentBoxes %v, Connections %d: want true and 4 by default", st.ConcurrentBoxes(), st.Connections())
	}
	var open []store.Mailbox
	for _, n := range names {
		mb, err := st.Open(ctx, n, store.ReadWrite)
		if err != nil {
			t.Fatalf("open %s beside the others: %v", n, err)
		}
		if msgs, err := mb.Messages(ctx); err != nil || len(msgs) != 1 {
			t.Fatalf("%s: %d messages (%v), want 1", n, len(msgs), err)
		}
		open = append(open, mb)
	}
	for _, mb := range open {
		mb.Close()
	}
	if n := strings.Count(out.String(), "Authorizing against {localhost/imap}\n"); n != 1 {
		t.Errorf("login notes:\n%s\nwant the first connection's \"Authorizing against\" line only", out)
	}
}

// TestPoolUnderDovecotConnectionLimit: a Dovecot that allows a user two
// connections (mail_max_userip_connections) refuses further ones: the
// store goes on silently with those it has, every box still opens, on
// the connections it accepted (boxes wait for one), and the store's
// limit drops below its four (to two, or three when logins made at the
// same moment all passed Dovecot's count).
func TestPoolUnderDovecotConnectionLimit(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/', MaxConnections: 2})
	names := fillFolders(t, d, 4, 1)
	st, _ := poolStore(t, d, "")
	ctx := t.Context()
	first, err := st.Open(ctx, names[0], store.ReadWrite) // proves the server: the pool may grow
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	var wg sync.WaitGroup
	var opened atomic.Int32
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Go(func() {
			mb, err := st.Open(ctx, name, store.ReadWrite)
			if err == nil {
				opened.Add(1)
				_, err = mb.Messages(ctx)
				// Hold the connection until a box waiting for one has
				// had a further one refused (or every box is open:
				// Dovecot refused none, which fails below).
				for st.Connections() == 4 && opened.Load() < int32(len(names)) && ctx.Err() == nil {
					time.Sleep(5 * time.Millisecond)
				}
				mb.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("box %s: %v", names[i], err)
		}
	}
	if n := st.Connections(); n != 2 && n != 3 {
		t.Errorf("the store's limit is %d after Dovecot refused a connection, want 2 (or 3)", n)
	}
}

// TestPoolLimit: /connections=N bounds the pool; 1 is one box after the
// other, and so is a store that gathers no status with its listing (a
// server without LIST-STATUS and CONDSTORE: go-imap's, Courier; or -d).
// Values outside 1 to 16 are errors.
func TestPoolLimit(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	st, _ := poolStore(t, d, "/connections=1")
	if st.Connections() != 1 || st.ConcurrentBoxes() {
		t.Errorf("/connections=1: Connections %d, ConcurrentBoxes %v; want 1 and false", st.Connections(), st.ConcurrentBoxes())
	}
	st2, _ := poolStore(t, d, "/connections=2")
	if st2.Connections() != 2 || !st2.ConcurrentBoxes() {
		t.Errorf("/connections=2: Connections %d, ConcurrentBoxes %v; want 2 and true", st2.Connections(), st2.ConcurrentBoxes())
	}
	noStatus := dovecotStore(t, d, "/notls", false, "") // Options.ListStatus off, as under -d
	defer noStatus.Close()
	m := startMemServerCaps(t, false, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapIMAP4rev2: {}})
	mem, err := m.dial(t, "/notls", imap.Options{ListStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	for what, s := range map[string]*imap.Store{"no status asked": noStatus, "no CONDSTORE": mem} {
		if s.Connections() != 1 || s.ConcurrentBoxes() {
			t.Errorf("%s: Connections %d, ConcurrentBoxes %v; want 1 and false", what, s.Connections(), s.ConcurrentBoxes())
		}
	}
	for _, bad := range []string{"/connections", "/connections=0", "/connections=17", "/connections=x"} {
		if _, _, err := imap.ParseName("{h" + bad + "}INBOX"); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestPoolGrowsOnceProven: a box that asks for a connection while the
// first folder's SELECT is still on its way waits, since a further
// connection is opened only once the server has selected a folder for
// us; the answer lets it open one at once. It does not wait for the
// first box to be closed (before, only a connection given back woke it:
// boxes were worked on one after the other until the first closed).
func TestPoolGrowsOnceProven(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 2, 1)
	r := startRelay(t, d.Addr(), 20*time.Millisecond) // a SELECT takes 40 ms
	st := dialVia(t, r, d, t.TempDir(), "")
	defer st.Close()
	ctx := t.Context()
	firstOpen := make(chan store.Mailbox, 1)
	go func() {
		mb, err := st.Open(ctx, names[0], store.ReadWrite)
		if err != nil {
			t.Errorf("open %s: %v", names[0], err)
		}
		firstOpen <- mb
	}()
	time.Sleep(10 * time.Millisecond) // the first SELECT is on its way
	second := make(chan error, 1)
	go func() {
		mb, err := st.Open(ctx, names[1], store.ReadWrite)
		if err == nil {
			mb.Close()
		}
		second <- err
	}()
	first := <-firstOpen
	if first == nil {
		return
	}
	defer first.Close()
	select {
	case err := <-second:
		if err != nil {
			t.Fatalf("open %s beside %s: %v", names[1], names[0], err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("open %s: still waiting 5 s after %s was selected, with room for a further connection", names[1], names[0])
	}
}
