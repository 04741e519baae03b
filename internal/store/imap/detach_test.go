package imap_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
)

// readWhole lists mb and reads every message with FetchEach, in listing
// order.
func readWhole(ctx context.Context, mb store.Mailbox) ([][]byte, []uint64, error) {
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, nil, err
	}
	var keys []uint64
	for _, m := range msgs {
		keys = append(keys, m.Key)
	}
	var bodies [][]byte
	_, err = mb.(store.BulkFetcher).FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
		b, err := io.ReadAll(body)
		bodies = append(bodies, b)
		return err
	})
	return bodies, keys, err
}

// TestLentFoldersOnOneConnection: folders opened whole at once on a store
// of one connection are all in flight on it together: eight folders are
// opened, listed and read in a couple of round trips, not one each, on
// the one connection; each gets its own messages, the very bytes Fetch
// gives once the folder is selected again.
func TestLentFoldersOnOneConnection(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 8, 3)
	st, r := relayStoreWith(t, d, "", "/connections=1")
	ctx := t.Context()
	if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
		t.Fatal(err)
	}
	if st.BoxesAtOnce() <= st.Connections() {
		t.Fatalf("BoxesAtOnce %d with %d connections: folders are not lent", st.BoxesAtOnce(), st.Connections())
	}
	// Were each folder to hold the connection, the opens after the
	// first would wait for it until this ends.
	openCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	before := r.Stats()
	type read struct {
		mb     store.Mailbox
		bodies [][]byte
		keys   []uint64
		err    error
	}
	reads := make([]read, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			mb, err := st.OpenWhole(openCtx, name, store.ReadOnly)
			if err != nil {
				reads[i].err = err
				return
			}
			reads[i].mb = mb
			reads[i].bodies, reads[i].keys, reads[i].err = readWhole(openCtx, mb)
		})
	}
	wg.Wait()
	used := r.Stats().Sub(before)
	if used.RoundTrips() > 3 || used.Connections != 0 {
		t.Errorf("8 folders opened and read whole: %d round trips on %d new connections, want at most 3 on the one open", used.RoundTrips(), used.Connections)
	}
	for i, rd := range reads {
		if rd.err != nil {
			t.Fatalf("%s: %v", names[i], rd.err)
		}
		if len(rd.bodies) != 3 {
			t.Fatalf("%s: %d bodies, want 3", names[i], len(rd.bodies))
		}
		for j, k := range rd.keys {
			if want := fmt.Sprintf("<%d-%d@x>", i, j); !bytes.Contains(rd.bodies[j], []byte(want)) {
				t.Errorf("%s: message %d lacks its Message-ID %s:\n%s", names[i], j, want, rd.bodies[j])
			}
			rc, err := rd.mb.Fetch(ctx, k) // selects the folder again
			if err != nil {
				t.Fatalf("%s: Fetch after the lent read: %v", names[i], err)
			}
			want, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(rd.bodies[j], want) {
				t.Errorf("%s: body of UID %d differs from Fetch's", names[i], k)
			}
		}
		if err := rd.mb.Close(); err != nil {
			t.Fatal(err)
		}
		// Python's imaplib reads the same bytes (listing order is UID order).
		if sums := bodiesByPython(t, d, names[i]); sums != nil {
			var got []string
			for _, b := range rd.bodies {
				got = append(got, sha256Hex(string(b)))
			}
			if fmt.Sprint(got) != fmt.Sprint(sums) {
				t.Errorf("%s: bodies read in flight %v, imaplib reads %v", names[i], got, sums)
			}
		}
	}
}

// TestLentFolderGoneAndChanged: a folder deleted after the LIST fails
// OpenWhole as Open fails (ErrNoMailbox), and the next folder on the same
// connection is read all the same; a folder recreated (a new
// UIDVALIDITY) after its lent read fails what needs it selected again,
// naming the change, instead of acting on keys that are not its own.
func TestLentFolderGoneAndChanged(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 3, 2)
	st, _ := relayStoreWith(t, d, "", "/connections=1")
	ctx := t.Context()
	if _, err := st.List(ctx, "", path.Dir(names[0])+"/*"); err != nil {
		t.Fatal(err)
	}
	other := dovecotStore(t, d, "/notls", false, "")
	defer other.Close()
	if err := other.Delete(ctx, names[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.OpenWhole(ctx, names[0], store.ReadWrite); !errors.Is(err, store.ErrNoMailbox) {
		t.Fatalf("OpenWhole of a deleted folder: %v, want ErrNoMailbox", err)
	}
	mb, err := st.OpenWhole(ctx, names[1], store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	bodies, keys, err := readWhole(ctx, mb)
	if err != nil || len(bodies) != 2 {
		t.Fatalf("the next folder: %d bodies (%v)", len(bodies), err)
	}
	// The next folder is selected on the one connection: names[1] is
	// selected again for what follows.
	next, err := st.OpenWhole(ctx, names[2], store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := readWhole(ctx, next); err != nil {
		t.Fatal(err)
	}
	next.Close()
	if err := other.Delete(ctx, names[1]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Dovecot's UIDVALIDITY is a time
	if err := other.Create(ctx, names[1]); err != nil {
		t.Fatal(err)
	}
	err = mb.MarkDeleted(ctx, keys[:1])
	if err == nil || !strings.Contains(err.Error(), "UIDVALIDITY") {
		t.Errorf("MarkDeleted in a recreated folder: %v, want a failure naming its UIDVALIDITY", err)
	}
	if _, err := mb.Fetch(ctx, keys[0]); err == nil {
		t.Error("Fetch in the recreated folder succeeded")
	}
	mb.Close()
	// The store goes on.
	mb, err = st.OpenWhole(ctx, names[2], store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if bodies, _, err := readWhole(ctx, mb); err != nil || len(bodies) != 2 {
		t.Fatalf("the last folder: %d bodies (%v)", len(bodies), err)
	}
	mb.Close()
}

// TestLentFoldersCancelled: cancelling the context while folders are read
// in flight on one connection ends every one of them at once (Ctrl-C),
// also those already opened whose listing is not taken yet, and the store
// opens a new connection for what comes after.
func TestLentFoldersCancelled(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 8, 3)
	r := startRelay(t, d.Addr(), 100*time.Millisecond)
	st := dialVia(t, r, d, "", "/connections=1")
	defer st.Close()
	if _, err := st.List(t.Context(), "", path.Dir(names[0])+"/*"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, len(names))
	for _, name := range names {
		go func() {
			mb, err := st.OpenWhole(ctx, name, store.ReadOnly)
			if err == nil {
				_, _, err = readWhole(ctx, mb)
				mb.Close()
			}
			errs <- err
		}()
	}
	time.Sleep(50 * time.Millisecond) // sent, not answered (100 ms each way)
	cancelled := time.Now()
	cancel()
	for range names {
		select {
		case err := <-errs:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("a folder read in flight ended with %v, want context.Canceled", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("a folder read in flight did not end within 2 s of the cancel")
		}
	}
	if took := time.Since(cancelled); took > time.Second {
		t.Errorf("the reads ended %v after the cancel", took)
	}
	// Opened, then cancelled before the listing is taken: the listing
	// ends with the context too.
	ctx, cancel = context.WithCancel(t.Context())
	var opened []store.Mailbox
	for _, name := range names[:3] {
		mb, err := st.OpenWhole(ctx, name, store.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		opened = append(opened, mb)
	}
	cancel()
	for _, mb := range opened {
		if _, _, err := readWhole(ctx, mb); !errors.Is(err, context.Canceled) {
			t.Errorf("listing a folder opened before the cancel: %v, want context.Canceled", err)
		}
		mb.Close()
	}
	mb, err := st.OpenWhole(t.Context(), names[0], store.ReadOnly)
	if err != nil {
		t.Fatalf("after the cancel: %v", err)
	}
	if bodies, _, err := readWhole(t.Context(), mb); err != nil || len(bodies) != 3 {
		t.Errorf("after the cancel: %d bodies (%v)", len(bodies), err)
	}
	mb.Close()
}
