package imap_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// TestFetchEach: pipelined fetches deliver every body in the order asked
// (not the folder's order), the same bytes Fetch gives, and a message that
// is gone is reported for its key while the others still come. The second
// round reads into the batch buffers the first one left.
func TestFetchEach(t *testing.T) {
	m := startMemServer(t, false)
	st, err := m.dial(t, "", imap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := st.Create(ctx, "box"); err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(ctx, "box", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	const n = 600 // three batches
	for i := range n {
		raw := []byte(fmt.Sprintf("Message-ID: <%d@x>\r\nSubject: %d\r\n\r\n%s\r\n", i, i, bytes.Repeat([]byte("x"), i*37)))
		if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw), InternalDate: time.Unix(1e9, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != n {
		t.Fatalf("Messages = %d, %v", len(msgs), err)
	}
	var keys []uint64
	want := map[uint64][]byte{}
	for i := n - 1; i >= 0; i-- { // reverse order
		keys = append(keys, msgs[i].Key)
		rc, err := mb.Fetch(ctx, msgs[i].Key)
		if err != nil {
			t.Fatal(err)
		}
		want[msgs[i].Key], _ = io.ReadAll(rc)
		rc.Close()
	}
	keys = append(keys[:10], append([]uint64{999999}, keys[10:]...)...) // a UID that does not exist
	for round := range 2 {
		fetchEach(t, mb, keys, want, round)
	}
}

func fetchEach(t *testing.T, mb store.Mailbox, keys []uint64, want map[uint64][]byte, round int) {
	t.Helper()
	var got []uint64
	var gone int
	done, err := mb.(store.BulkFetcher).FetchEach(t.Context(), keys, func(key uint64, body io.Reader) error {
		got = append(got, key)
		data, err := io.ReadAll(body)
		if key == 999999 {
			if err == nil {
				t.Errorf("the missing UID yielded %q without error", data)
			}
			gone++
			return err
		}
		if err != nil || !bytes.Equal(data, want[key]) {
			t.Errorf("round %d: UID %d: FetchEach body %q, %v; Fetch %q", round, key, data, err, want[key])
		}
		return nil
	})
	if err != nil || done != len(keys) {
		t.Fatalf("FetchEach = %d, %v; want %d, nil", done, err, len(keys))
	}
	if fmt.Sprint(got) != fmt.Sprint(keys) || gone != 1 {
		t.Errorf("order %v, want %v (gone %d)", got, keys, gone)
	}
}
