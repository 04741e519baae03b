package imap_test

import (
	"context"
	"fmt"
	"strings"
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
	return relayStoreWith(t, d, cacheDir, "")
}

// relayStoreWith is relayStore with server flags (e.g. /connections=1).
func relayStoreWith(t *testing.T, d *dovecot.Server, cacheDir, flags string) (*imap.Store, *netrelay.Relay) {
	t.Helper()
	r := startRelay(t, d.Addr(), 5*time.Millisecond)
	st := dialVia(t, r, d, cacheDir, flags)
	t.Cleanup(func() { st.Close() })
	return st, r
}

// startRelay starts a relay to addr delaying each direction by delay,
// stopped when the test ends.
func startRelay(t *testing.T, addr string, delay time.Duration) *netrelay.Relay {
	t.Helper()
	r, err := netrelay.Start(t.Context(), addr, delay, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	return r
}

// dialVia dials d through relay r, with server flags and a header cache
// directory.
func dialVia(t *testing.T, r *netrelay.Relay, d *dovecot.Server, cacheDir, flags string) *imap.Store {
	t.Helper()
	st, err := imap.Dial(t.Context(), "{"+r.Addr()+"/notls/user="+d.User+flags+"}", imap.Options{
		Passwd: d.Password, ListStatus: true, CacheDir: cacheDir,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
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

// TestStartedAppendsOneRoundTrip: appends started one after the other
// (LITERAL+, Dovecot) cost one round trip together, also those of
// messages above 4 KB, which go-imap alone would send as synchronizing
// literals, each waiting a round trip for the server's go-ahead
// (literalplus.go); each finish reports its own answer: the messages are
// there, in order, whole.
func TestStartedAppendsOneRoundTrip(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 1, 0)
	st, r := relayStore(t, d, "")
	ctx := t.Context()
	mb, err := st.Open(ctx, names[0], store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	before := r.Stats()
	var fins []func() error
	sizes := []int{0, 5000, 70000, 10, 4097}
	var raws []string
	for i, size := range sizes {
		raw := fmt.Sprintf("Message-ID: <s%d@x>\r\nSubject: s\r\n\r\nbody %d\r\n%s", i, i, strings.Repeat("{5}\r\n+ x\r\n", size/10))
		raws = append(raws, raw)
		fin, ok := mb.(store.AppendStarter).StartAppend(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: time.Now()})
		if !ok {
			t.Fatal("StartAppend refused on a server with LITERAL+")
		}
		fins = append(fins, fin)
	}
	for i, fin := range fins {
		if err := fin(); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if got := r.Stats().Sub(before); got.RoundTrips() != 1 {
		t.Errorf("5 started appends made %d round trips, want 1", got.RoundTrips())
	}
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != 5 {
		t.Fatalf("%d messages after the appends (%v), want 5", len(msgs), err)
	}
	for i, m := range msgs {
		if !strings.Contains(string(m.Header), fmt.Sprintf("<s%d@x>", i)) {
			t.Errorf("message %d: header %q", i, m.Header)
		}
		if m.Size != int64(len(raws[i])) {
			t.Errorf("message %d: %d bytes on the server, want %d", i, m.Size, len(raws[i]))
		}
	}
	// Python's imaplib reads the very bytes sent.
	if sums := bodiesByPython(t, d, names[0]); sums != nil {
		var want []string
		for _, raw := range raws {
			want = append(want, sha256Hex(raw))
		}
		if fmt.Sprint(sums) != fmt.Sprint(want) {
			t.Errorf("imaplib reads bodies %v, want %v", sums, want)
		}
	}
}

// TestDeleteAndExpungeOneRoundTrip: flagging messages deleted and
// expunging costs one round trip (UID STORE and EXPUNGE sent together),
// and reports what MarkDeleted and Expunge would; many expunged messages
// (Dovecot sends them before it completes the STORE) do not stop the
// STORE's answer (found by TestKill9Dovecot).
func TestDeleteAndExpungeOneRoundTrip(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 2, 4)
	many := fillFolders(t, d, 1, 300)[0]
	st, r := relayStore(t, d, "")
	ctx := t.Context()
	mb, err := st.Open(ctx, names[0], store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != 4 {
		t.Fatalf("%d messages (%v), want 4", len(msgs), err)
	}
	before := r.Stats()
	markErr, n, expErr := mb.(store.DeleteExpunger).MarkDeletedAndExpunge(ctx, []uint64{msgs[1].Key, msgs[3].Key})
	if markErr != nil || expErr != nil || n != 2 {
		t.Fatalf("MarkDeletedAndExpunge: %v, %d expunged, %v; want 2 expunged", markErr, n, expErr)
	}
	if got := r.Stats().Sub(before); got.RoundTrips() != 1 {
		t.Errorf("flagging and expunging made %d round trips, want 1", got.RoundTrips())
	}
	left, err := mb.Messages(ctx)
	if err != nil || len(left) != 2 || left[0].Key != msgs[0].Key || left[1].Key != msgs[2].Key {
		t.Errorf("left %+v (%v), want messages 1 and 3", left, err)
	}

	big, err := st.Open(ctx, many, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	all, err := big.Messages(ctx)
	if err != nil || len(all) != 300 {
		t.Fatalf("%d messages (%v), want 300", len(all), err)
	}
	var keys []uint64
	for _, m := range all[:290] {
		keys = append(keys, m.Key)
	}
	markErr, n, expErr = big.(store.DeleteExpunger).MarkDeletedAndExpunge(ctx, keys)
	if markErr != nil || expErr != nil || n != 290 {
		t.Errorf("MarkDeletedAndExpunge of 290: %v, %d expunged, %v", markErr, n, expErr)
	}
}
