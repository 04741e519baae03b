package imap_test

import (
	"context"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
	"github.com/mailsync/mailsync/internal/store"
)

// TestLentFlagListings: folders read again, their caches filled, are
// listed by their changed flags all in flight on the first connection:
// eight folders opened at once (as the sync engine opens them) cost a
// couple of round trips and no further login, and each listing is the
// one a store without caches reads, with the flags another client
// changed. Setting a flag afterwards selects the folder again and works.
func TestLentFlagListings(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 8, 20)
	cacheDir := t.TempDir()
	ctx := t.Context()
	r := startRelay(t, d.Addr(), 5*time.Millisecond)
	fill := func() { // one folder after the other, caches filled
		st := dialVia(t, r, d, cacheDir, "")
		defer st.Close()
		if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			mb, _ := openListed(t, st, name, store.ReadWrite)
			mb.Close()
		}
	}
	// Folders that held their connection would wait for one until
	// this ends: the test does not close them before all are listed.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	listAll := func(change bool) ([][]store.Message, netrelay.Stats) {
		t.Helper()
		st := dialVia(t, r, d, cacheDir, "")
		defer st.Close()
		if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
			t.Fatal(err)
		}
		before := r.Stats()
		got := make([][]store.Message, len(names))
		mbs := make([]store.Mailbox, len(names))
		errs := make([]error, len(names))
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() {
				mb, err := st.Open(ctx, name, store.ReadWrite)
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
		if change {
			// Our own flag change, on a folder listed in flight.
			err := mbs[5].(store.FlagSetter).SetFlags(ctx, []store.FlagChange{{Key: got[5][7].Key, Add: store.Answered}})
			if err != nil {
				t.Fatalf("SetFlags after a listing in flight: %v", err)
			}
		}
		for _, mb := range mbs {
			mb.Close()
		}
		return got, used
	}
	fill()
	other := dovecotStore(t, d, "/notls", false, "")
	for i, name := range names[:4] {
		mb, msgs := openListed(t, other, name, store.ReadWrite)
		if err := mb.(store.FlagSetter).SetFlags(ctx, []store.FlagChange{{Key: msgs[i].Key, Add: store.Flagged | store.Seen}}); err != nil {
			t.Fatal(err)
		}
		mb.Close()
	}
	other.Close()
	got, used := listAll(true)
	if used.Connections != 0 || used.RoundTrips() > 3 {
		t.Errorf("8 folders listed by their changed flags: %d round trips on %d new connections, want at most 3 on the one open",
			used.RoundTrips(), used.Connections)
	}
	truth := func() [][]keyFlags {
		st := dovecotStore(t, d, "/notls", false, "")
		defer st.Close()
		var out [][]keyFlags
		for _, name := range names {
			mb, msgs := openListed(t, st, name, store.ReadOnly)
			mb.Close()
			out = append(out, reduce(msgs))
		}
		return out
	}()
	for i := range names {
		if i == 5 {
			continue // our own change came after the listing
		}
		if !slices.Equal(reduce(got[i]), truth[i]) {
			t.Errorf("%s listed in flight:\n%v\nwant, as read without caches:\n%v", names[i], reduce(got[i]), truth[i])
		}
	}
	if f := truth[5][7].flags; f&store.Answered == 0 {
		t.Errorf("%s: flags %v after SetFlags, want \\Answered", names[5], f)
	}
	// And the next run reads our own change too.
	got, _ = listAll(false)
	if !slices.Equal(reduce(got[5]), truth[5]) {
		t.Errorf("%s listed again:\n%v\nwant:\n%v", names[5], reduce(got[5]), truth[5])
	}
}
