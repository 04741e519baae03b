package imap_test

import (
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/testservers"
)

// lentServer is what TestLentFlagListings needs of a server: its
// folders, a store through a relay with a cache directory (the relay's
// address is part of the caches' identity), one without caches, the
// LIST pattern of the folders, and Python's reading of a folder's flags.
type lentServer struct {
	names   []string
	pattern string
	relay   *netrelay.Relay
	cached  func(cacheDir string) *imap.Store
	plain   func() *imap.Store
	python  func(folder string) map[string][]string
}

// TestLentFlagListings: folders opened read-only (a dry run, diff mode)
// and read again, their caches filled, are listed by their changed flags
// all in flight on the first connection: eight folders opened at once (as
// the sync engine opens them) cost a couple of round trips and no further
// login, and each listing is the one a store without caches reads, with
// the flags another client changed, and the one Python's imaplib reads.
// Fetching a message afterwards selects the folder again and works. On
// Dovecot and Cyrus (both have CONDSTORE and ESEARCH).
func TestLentFlagListings(t *testing.T) {
	t.Run("dovecot", func(t *testing.T) {
		d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
		names := fillFolders(t, d, 8, 20)
		r := startRelay(t, d.Addr(), 5*time.Millisecond)
		lentFlagListings(t, lentServer{
			names: names, pattern: path.Dir(names[0]) + "/*", relay: r,
			cached: func(cacheDir string) *imap.Store { return dialVia(t, r, d, cacheDir, "") },
			plain:  func() *imap.Store { return dovecotStore(t, d, "/notls", false, "") },
			python: func(folder string) map[string][]string { return flagsByPython(t, d, folder) },
		})
	})
	t.Run("cyrus", func(t *testing.T) {
		s := testservers.Start(t, testservers.Cyrus, testservers.Options{})
		plain := func() *imap.Store { return serverStore(t, s, "/notls") }
		st := plain()
		var names []string
		for f := range 8 {
			name := fmt.Sprintf("%slent%d", s.Prefix, f)
			if err := st.Create(t.Context(), name); err != nil {
				t.Fatal(err)
			}
			mb, err := st.Open(t.Context(), name, store.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				appendMsg(t, mb, fmt.Sprintf("<%d-%d@x>", f, i), "body", time.Date(2020, 1, 2, 3, 4, i, 0, time.UTC))
			}
			mb.Close()
			names = append(names, name)
		}
		st.Close()
		r := startRelay(t, s.Addr(), 5*time.Millisecond)
		lentFlagListings(t, lentServer{
			names: names, pattern: s.Prefix + "lent%", relay: r,
			cached: func(cacheDir string) *imap.Store {
				st, err := imap.Dial(t.Context(), "{"+r.Addr()+"/notls/user="+s.User+"}", imap.Options{
					Passwd: s.Password, ListStatus: true, CacheDir: cacheDir,
					CanonicalHost: func(context.Context, string) string { return "localhost" },
				})
				if err != nil {
					t.Fatal(err)
				}
				return st
			},
			plain: plain,
		})
	})
}

func lentFlagListings(t *testing.T, srv lentServer) {
	names, r := srv.names, srv.relay
	cacheDir := t.TempDir()
	ctx := t.Context()
	// One folder after the other, read-write: the caches are filled.
	st := srv.cached(cacheDir)
	if _, err := st.List(ctx, "", srv.pattern); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		mb, _ := openListed(t, st, name, store.ReadWrite)
		mb.Close()
	}
	st.Close()
	other := srv.plain()
	for i, name := range names[:4] {
		mb, msgs := openListed(t, other, name, store.ReadWrite)
		if err := mb.(store.FlagSetter).SetFlags(ctx, []store.FlagChange{{Key: msgs[i].Key, Add: store.Flagged | store.Seen}}); err != nil {
			t.Fatal(err)
		}
		mb.Close()
	}
	other.Close()
	// Folders that held their connection would wait for one until
	// this ends: the test does not close them before all are listed.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	st = srv.cached(cacheDir)
	defer st.Close()
	if _, err := st.List(ctx, "", srv.pattern); err != nil {
		t.Fatal(err)
	}
	before := r.Stats()
	got := make([][]store.Message, len(names))
	mbs := make([]store.Mailbox, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			mb, err := st.Open(ctx, name, store.ReadOnly)
			if err != nil {
				errs[i] = err
				return
			}
			mbs[i] = mb
			got[i], errs[i] = mb.Messages(ctx)
		})
	}
	wg.Wait()
	used := r.Stats().Sub(before)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
	}
	if used.Connections != 0 || used.RoundTrips() > 3 {
		t.Errorf("8 folders listed by their changed flags: %d round trips on %d new connections, want at most 3 on the one open",
			used.RoundTrips(), used.Connections)
	}
	truth := srv.plain()
	defer truth.Close()
	for i, name := range names {
		mb, msgs := openListed(t, truth, name, store.ReadOnly)
		mb.Close()
		if !slices.Equal(reduce(got[i]), reduce(msgs)) {
			t.Errorf("%s listed in flight:\n%v\nwant, as read without caches:\n%v", name, reduce(got[i]), reduce(msgs))
		}
		// Python's imaplib reads the same flags.
		if srv.python == nil {
			continue
		}
		if py := srv.python(name); py != nil {
			want := map[string][]string{}
			for _, m := range got[i] {
				var fl []string
				for _, f := range []struct {
					f    store.Flags
					name string
				}{{store.Answered, `\Answered`}, {store.Deleted, `\Deleted`}, {store.Draft, `\Draft`}, {store.Flagged, `\Flagged`}, {store.Seen, `\Seen`}} {
					if m.Flags&f.f != 0 {
						fl = append(fl, f.name)
					}
				}
				want[fmt.Sprint(m.Key)] = fl
			}
			if fmt.Sprint(py) != fmt.Sprint(want) {
				t.Errorf("%s: listed in flight %v, imaplib reads %v", name, want, py)
			}
		}
	}
	rc, err := mbs[5].Fetch(ctx, got[5][7].Key) // selects the folder again
	if err != nil {
		t.Fatalf("Fetch after a listing in flight: %v", err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(body), "<5-7@x>") {
		t.Errorf("Fetch after a listing in flight: %q, want message <5-7@x>", body)
	}
	for _, mb := range mbs {
		mb.Close()
	}
}
