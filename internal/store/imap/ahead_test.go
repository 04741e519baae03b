package imap_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// relayStore dials d through a relay that delays each direction by 5 ms,
// with LIST-STATUS asked for (as a sync does) and a header cache in
// cacheDir ("" for none).
func relayStore(t *testing.T, d *dovecot.Server, cacheDir string) (*imap.Store, *netrelay.Relay) {
	t.Helper()
	r, err := netrelay.Start(t.Context(), d.Addr(), 5*time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	st, err := imap.Dial(t.Context(), "{"+r.Addr()+"/notls/user="+d.User+"}", imap.Options{
		Passwd: d.Password, ListStatus: true, CacheDir: cacheDir,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, r
}

// fillFolders creates the folders under a fresh root of d, each with n
// messages, and returns their names.
func fillFolders(t *testing.T, d *dovecot.Server, folders, n int) []string {
	t.Helper()
	st := dovecotStore(t, d, "/notls", false, "")
	defer st.Close()
	root := fmt.Sprintf("%sahead%d", d.Prefix, folderSeq.Add(1))
	var names []string
	for f := range folders {
		name := fmt.Sprintf("%s/f%d", root, f)
		if err := st.Create(t.Context(), name); err != nil {
			t.Fatal(err)
		}
		mb, err := st.Open(t.Context(), name, store.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			appendMsg(t, mb, fmt.Sprintf("<%d-%d@x>", f, i), "body", time.Date(2020, 1, 2, 3, 4, i, 0, time.UTC))
		}
		mb.Close()
		names = append(names, name)
	}
	return names
}

// TestOpenSendsTheListingAhead: once LIST-STATUS gave a folder's
// UIDVALIDITY, opening and listing it is one round trip (the UID FETCH
// goes right behind the SELECT), with or without a header cache, also
// when a message came since the cache was filled; a
// listing sent ahead and never read (the folder closed at once) leaves
// the connection usable.
func TestOpenSendsTheListingAhead(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 2, 3)
	other := dovecotStore(t, d, "/notls", false, "")
	defer other.Close()
	want := 3
	for _, cache := range []string{"", t.TempDir()} {
		st, r := relayStore(t, d, cache)
		ctx := t.Context()
		// The second pass lists from the header cache, the third too
		// with a message come since (described ahead).
		for pass := range 3 {
			if pass == 2 {
				mb, err := other.Open(ctx, names[0], store.ReadWrite)
				if err != nil {
					t.Fatal(err)
				}
				appendMsg(t, mb, fmt.Sprintf("<new%d@x>", want), "new", time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC))
				mb.Close()
				want++
			}
			mb, err := st.Open(ctx, names[1], store.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			mb.Close() // its listing unread
			// Listed on a connection that has not folder names[0]
			// selected: Dovecot answers the STATUS of a selected folder
			// from the session's view, which has not seen the new
			// message (a sync lists before it opens any folder).
			if _, err := st.List(ctx, "", strings.TrimSuffix(names[0], "/f0")+"/%"); err != nil {
				t.Fatal(err)
			}
			before := r.Stats()
			mb, err = st.Open(ctx, names[0], store.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := mb.Messages(ctx)
			mb.Close()
			if err != nil || len(msgs) != want {
				t.Fatalf("cache %q, pass %d: %d messages (%v), want %d", cache, pass, len(msgs), err, want)
			}
			if last := msgs[len(msgs)-1]; pass == 2 && !strings.Contains(string(last.Header), fmt.Sprintf("<new%d@x>", want-1)) {
				t.Errorf("cache %q: the new message is listed with header %q", cache, last.Header)
			}
			if got := r.Stats().Sub(before); got.RoundTrips() != 1 {
				t.Errorf("cache %q, pass %d: opening and listing a folder made %d round trips (%d connections), want 1",
					cache, pass, got.RoundTrips(), got.Connections)
			}
		}
	}
}

// TestPoolUnderDovecotConnectionLimit: a Dovecot that allows a user two
// connections (mail_max_userip_connections) refuses the pool's third:
// every box still opens, on the two connections, and the store's limit
// drops to two.
func TestPoolUnderDovecotConnectionLimit(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/', MaxConnections: 2})
	names := fillFolders(t, d, 4, 1)
	st := dovecotStore(t, d, "/notls", false, "")
	defer st.Close()
	ctx := t.Context()
	first, err := st.Open(ctx, names[0], store.ReadWrite) // proves the server: the pool may grow
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Go(func() {
			mb, err := st.Open(ctx, name, store.ReadWrite)
			if err == nil {
				_, err = mb.Messages(ctx)
				// Hold the connection until a box waiting for one has
				// had the third refused.
				for st.Connections() > 2 && ctx.Err() == nil {
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
	if n := st.Connections(); n != 2 {
		t.Errorf("the store's limit is %d after Dovecot refused a third connection, want 2", n)
	}
}
