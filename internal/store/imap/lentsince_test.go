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
	"github.com/mailsync/mailsync/internal/store"
)

// TestLentFlagListings: folders opened read-only (a dry run, diff mode)
// and read again, their caches filled, are listed by their changed flags
// all in flight on the first connection: eight folders opened at once (as
// the sync engine opens them) cost a couple of round trips and no further
// login, and each listing is the one a store without caches reads, with
// the flags another client changed. Fetching a message afterwards selects
// the folder again and works.
func TestLentFlagListings(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 8, 20)
	cacheDir := t.TempDir()
	ctx := t.Context()
	r := startRelay(t, d.Addr(), 5*time.Millisecond)
	// One folder after the other, read-write: the caches are filled.
	st := dialVia(t, r, d, cacheDir, "")
	if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		mb, _ := openListed(t, st, name, store.ReadWrite)
		mb.Close()
	}
	st.Close()
	other := dovecotStore(t, d, "/notls", false, "")
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
	st = dialVia(t, r, d, cacheDir, "")
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
	truth := dovecotStore(t, d, "/notls", false, "")
	defer truth.Close()
	for i, name := range names {
		mb, msgs := openListed(t, truth, name, store.ReadOnly)
		mb.Close()
		if !slices.Equal(reduce(got[i]), reduce(msgs)) {
			t.Errorf("%s listed in flight:\n%v\nwant, as read without caches:\n%v", name, reduce(got[i]), reduce(msgs))
		}
		// Python's imaplib reads the same flags.
		if py := flagsByPython(t, d, name); py != nil {
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
