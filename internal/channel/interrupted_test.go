package channel

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// interruptingStore's mailboxes let n appends through, then cancel the
// run (as Ctrl-C does) and fail the next append with the context's error.
type interruptingStore struct {
	store.Store
	n      *int
	cancel context.CancelFunc
}

func (s interruptingStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	return interruptingBox{Mailbox: mb, s: s}, nil
}

type interruptingBox struct {
	store.Mailbox
	s interruptingStore
}

func (m interruptingBox) Append(ctx context.Context, nm store.NewMessage) error {
	if *m.s.n == 0 {
		m.s.cancel()
		return fmt.Errorf("append: %w", context.Canceled)
	}
	*m.s.n--
	return m.Mailbox.Append(ctx, nm)
}

// TestInterruptedCopyReport: Ctrl-C in the middle of a box's copies
// prints what was copied and nothing false: no "N remain." (the box
// was not synchronised) and no error line per failed copy (the command
// ends with one "Error: interrupted" line); the box keeps its last state.
func TestInterruptedCopyReport(t *testing.T) {
	a, b := memory.New(), memory.New()
	for i := range 10 {
		if err := a.Put("inbox", msg(fmt.Sprintf("<m%d@x>", i), fmt.Sprint("s", i)), 0, jan1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Put("inbox", msg("<other@x>", "other"), 0, jan1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 3
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	sa, sb := sidesOf(t, r, a, interruptingStore{Store: b, n: &n, cancel: cancel})
	e := &Engine{R: r}
	last := msinfo.State{"inbox": {"<gone@x>"}}
	next, res := e.Sync(ctx, sa, sb, last)
	r.Flush()
	if want := "inbox: \n3 copied a->b.\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	if errb.String() != "" {
		t.Errorf("stderr %q, want nothing", errb.String())
	}
	if !res.Failed {
		t.Error("an interrupted run did not fail")
	}
	if ids := next["inbox"]; len(ids) != 1 || ids[0] != "<gone@x>" {
		t.Errorf("the interrupted box's state is %q, want its last state", ids)
	}
}
