package maildir

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestDeliveriesInFlight: messages appended faster than they are synced
// are all listed, in the order appended, by the Box's next call; none is
// left in tmp/ after Close, and each is in new/ or cur/ as its flags say.
func TestDeliveriesInFlight(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	b := openBox(t, dir, store.ReadWrite, testEnv)
	n := 3*maxInFlight + 5
	for i := range n {
		raw := fmt.Sprintf("Message-ID: <%d@x>\r\nSubject: m%d\r\n\r\nbody %d\r\n", i, i, i)
		var f store.Flags
		if i%2 == 1 {
			f = store.Seen
		}
		if err := b.Append(ctx, store.NewMessage{Flags: f, Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := listing(t, b)
	if len(msgs) != n {
		t.Fatalf("%d messages listed after %d appends", len(msgs), n)
	}
	for i, m := range msgs {
		if got := fetchAll(t, b, m.Key); !strings.Contains(got, fmt.Sprintf("body %d", i)) {
			t.Fatalf("message %d is %q", i, got)
		}
		if seen := m.Flags&store.Seen != 0; seen != (i%2 == 1) {
			t.Errorf("message %d has flags %v", i, m.Flags)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var inNew, inCur int
	for _, f := range files(t, dir) {
		switch {
		case strings.HasPrefix(f, "tmp/"):
			t.Errorf("left in tmp/: %s", f)
		case strings.HasPrefix(f, "new/"):
			inNew++
		case strings.HasPrefix(f, "cur/"):
			inCur++
		}
	}
	if inNew != (n+1)/2 || inCur != n/2 {
		t.Errorf("%d in new/, %d in cur/; want %d and %d", inNew, inCur, (n+1)/2, n/2)
	}
}

// TestDeliveryNamesFromClock: a delivery's unique name takes its time
// from the store's clock (store.Env.Now), one microsecond apart for
// deliveries within the same tick, and never before a message already
// in the box, so the new ones sort after it.
func TestDeliveryNamesFromClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := newMaildir(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) // 1748779200
	env := testEnv
	env.Now = func() time.Time { return at }
	put(t, filepath.Join(dir, "cur", "1748779200.M000007P1.other:2,S"), "Subject: old\n\nx\n", at)
	b := openBox(t, dir, store.ReadWrite, env)
	for i := range 2 {
		raw := fmt.Sprintf("Subject: m%d\r\n\r\nbody\r\n", i)
		if err := b.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files(t, dir) {
		if name, ok := strings.CutPrefix(f, "new/"); ok {
			stamp, _, _ := strings.Cut(name, "P")
			got = append(got, stamp)
		}
	}
	slices.Sort(got)
	if want := []string{"1748779200.M000008", "1748779200.M000009"}; !slices.Equal(got, want) {
		t.Errorf("delivered stamps %q, want %q", got, want)
	}
}
