package channel

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// closeFailStore makes Close of every mailbox it opens fail (after
// closing it): a backend whose final fsync failed.
type closeFailStore struct{ store.Store }

func (s closeFailStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return closeFailBox{mb}, nil
}

type closeFailBox struct{ store.Mailbox }

func (b closeFailBox) Close() error {
	b.Mailbox.Close()
	return errInjected
}

// TestCloseFailureKeepsLastState: appended messages are durable only once
// Close succeeds, so a box whose Close fails is a failed box: an error,
// exit status 1 and its last state kept, never the state with the copies.
func TestCloseFailureKeepsLastState(t *testing.T) {
	a, b := memory.New(), memory.New()
	for _, id := range []string{"<1@x>", "<2@x>"} {
		if err := a.Put("inbox", msg(id, id), store.Seen, jan1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Put("inbox", msg("<3@x>", "three"), 0, jan1); err != nil {
		t.Fatal(err)
	}
	last := msinfo.State{"inbox": {"<9@x>"}}
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	e := &Engine{R: r}
	ctx := context.Background()
	side := func(st store.Store, name string) *Side {
		cfg := &config.Store{Name: name, Pat: "*"}
		bx, err := ListBoxes(ctx, st, cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		return &Side{Cfg: cfg, Store: st, Boxes: bx}
	}
	next, res := e.Sync(ctx, side(a, "a"), side(closeFailStore{b}, "b"), last)
	r.Flush()
	if !res.Failed {
		t.Error("a failed Close did not fail the run")
	}
	if got := strings.Join(next["inbox"], " "); got != "<9@x>" {
		t.Errorf("state of the box whose Close failed: %q, want the last state <9@x>", got)
	}
	if want := `Error: Couldn't close mailbox "inbox" in store "b": injected fault`; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q lacks %q", errb.String(), want)
	}
}
