package imap_test

import (
	"bytes"
	"io"
	"path"
	"slices"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
)

// TestOpenWholeOneRoundTrip: a small folder opened with OpenWhole is
// opened, listed and fetched whole in one round trip (its bodies sent for
// behind the listing), against two with Open; FetchEach hands out, in the
// order asked, the very bytes Fetch gives; a subset is served too.
func TestOpenWholeOneRoundTrip(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 2, 12)
	st, r := relayStore(t, d, "")
	ctx := t.Context()
	if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
		t.Fatal(err)
	}
	fetchAll := func(mb store.Mailbox, reverse bool, n int) ([][]byte, []uint64) {
		t.Helper()
		msgs, err := mb.Messages(ctx)
		if err != nil || len(msgs) != 12 {
			t.Fatalf("%d messages (%v)", len(msgs), err)
		}
		var keys []uint64
		for _, m := range msgs {
			keys = append(keys, m.Key)
		}
		if reverse {
			slices.Reverse(keys)
		}
		keys = keys[:n]
		var bodies [][]byte
		got, err := mb.(store.BulkFetcher).FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
			b, err := io.ReadAll(body)
			bodies = append(bodies, b)
			return err
		})
		if err != nil || got != len(keys) {
			t.Fatalf("FetchEach: %d of %d (%v)", got, len(keys), err)
		}
		return bodies, keys
	}
	for _, c := range []struct {
		whole      bool
		n          int
		roundTrips int64
	}{{true, 12, 1}, {false, 12, 2}, {true, 5, 1}} {
		before := r.Stats()
		var mb store.Mailbox
		var err error
		if c.whole {
			mb, err = st.OpenWhole(ctx, names[0], store.ReadOnly)
		} else {
			mb, err = st.Open(ctx, names[1], store.ReadOnly)
		}
		if err != nil {
			t.Fatal(err)
		}
		bodies, keys := fetchAll(mb, true, c.n)
		if got := r.Stats().Sub(before).RoundTrips(); got != c.roundTrips {
			t.Errorf("whole %v: open, list and fetch %d messages: %d round trips, want %d", c.whole, c.n, got, c.roundTrips)
		}
		for i, k := range keys {
			rc, err := mb.Fetch(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(bodies[i], want) {
				t.Errorf("whole %v: body of UID %d differs from Fetch's", c.whole, k)
			}
		}
		if err := mb.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil { // status for the next open
			t.Fatal(err)
		}
	}
}
