package maildir

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
