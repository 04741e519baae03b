package channel

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// skipper is a memory store (and store.Signer) whose listings of box skip
// report a message left out (store.SkippedError), as the IMAP backend
// does for a header it refuses to hold (doc/design/trust-memory.md).
type skipper struct {
	*memory.Store
	skip string
}

func (s skipper) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil || name != s.skip {
		return mb, err
	}
	return skippingBox{mb}, nil
}

// skippingBox lists its messages with a SkippedError (and hides the
// memory box's streaming, so that Messages is used).
type skippingBox struct{ store.Mailbox }

func (b skippingBox) Messages(ctx context.Context) ([]store.Message, error) {
	msgs, err := b.Mailbox.Messages(ctx)
	if err != nil {
		return nil, err
	}
	return msgs, &store.SkippedError{Left: []store.LeftOut{{UID: 9, Mailbox: "inbox", Server: "h:143", HeaderBytes: 3 << 20, Limit: 1 << 20}}}
}

// TestSkippedMessageFailsRun: a listing that left a message out prints its
// warning, syncs the rest and fails the run, every time: the box is never
// taken for settled, though nothing else is left to do. Diff and list
// (-m) mode fail too.
func TestSkippedMessageFailsRun(t *testing.T) {
	w := newWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<2@x>", "two", 0)
	dir := t.TempDir()
	ctx := context.Background()
	a := skipper{w.a, "inbox"}
	for run := range 3 {
		var out, errb bytes.Buffer
		r := NewReporter(&out, &errb)
		e := &Engine{R: r, Book: settled.Open(dir, "test channel")}
		sa, sb := sidesOf(t, r, a, w.b)
		var res Result
		w.last, res = e.Sync(ctx, sa, sb, w.last)
		r.Flush()
		if err := e.Book.Save(); err != nil {
			t.Fatal(err)
		}
		if !res.Failed || !strings.Contains(errb.String(), "Warning: message UID 9 of mailbox inbox on server h:143 left out: its header fields are 3145728 bytes (more than 1048576 is garbage)\n") {
			t.Errorf("run %d: failed %v, stderr %q; want the warning and a failed run", run, res.Failed, errb.String())
		}
		if got := subjects(w.b, "inbox"); len(got) != 2 {
			t.Errorf("run %d: inbox of b holds %v, want both messages", run, got)
		}
	}
	for _, mode := range []string{"diff", "list"} {
		var out, errb bytes.Buffer
		r := NewReporter(&out, &errb)
		e := &Engine{R: r, Opt: Options{Long: true}} // list reads boxes with -m
		sa, _ := sidesOf(t, r, a, w.b)
		var res Result
		if mode == "diff" {
			res = e.Diff(ctx, sa, &config.Store{Name: "b"}, w.last)
		} else {
			res = e.List(ctx, sa)
		}
		r.Flush()
		if !res.Failed || !strings.Contains(errb.String(), "left out") {
			t.Errorf("%s: failed %v, stderr %q", mode, res.Failed, errb.String())
		}
	}
}
