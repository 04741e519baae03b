package channel

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// nameLog is a store that records the mailbox names its Create and Open
// are given.
type nameLog struct {
	store.Store
	mu            sync.Mutex
	created, open []string
}

func (s *nameLog) Create(ctx context.Context, name string) error {
	s.mu.Lock()
	s.created = append(s.created, name)
	s.mu.Unlock()
	return s.Store.Create(ctx, name)
}

func (s *nameLog) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	s.mu.Lock()
	s.open = append(s.open, name)
	s.mu.Unlock()
	return s.Store.Open(ctx, name, mode)
}

// TestCreatedBoxKeepsMailbox: a box missing on one side is created under
// the mailbox name its value (sideBox) holds, it is then opened under
// that same name, and Side.Mailbox still gives that name once the box is
// recorded as created; the next run finds it there (doc/design/names.md).
func TestCreatedBoxKeepsMailbox(t *testing.T) {
	ctx := context.Background()
	a := memory.New()
	if err := a.Put("work", msg("<1@x>", "one"), 0, jan1); err != nil {
		t.Fatal(err)
	}
	log := &nameLog{Store: memory.New()}
	last := msinfo.State{}
	for run := range 2 {
		var out bytes.Buffer
		r := NewReporter(&out, &out)
		sa := &Side{Cfg: &config.Store{Name: "a", Pat: "*"}, Store: a}
		sb := &Side{Cfg: &config.Store{Name: "b", Pat: "Mail/*", Prefix: "Mail/"}, Store: log}
		for _, s := range []*Side{sa, sb} {
			var err error
			if s.Boxes, err = ListBoxes(ctx, s.Store, s.Cfg, r); err != nil {
				t.Fatal(err)
			}
		}
		before := sb.box("work")
		log.created, log.open = nil, nil
		e := &Engine{R: r}
		next, res := e.Sync(ctx, sa, sb, last)
		r.Flush()
		if res.Failed {
			t.Fatalf("run %d failed:\n%s", run, out.String())
		}
		last = next
		wantCreated := []string{"Mail/work"}
		if run > 0 {
			wantCreated = nil
		}
		if !slices.Equal(log.created, wantCreated) {
			t.Errorf("run %d created %q, want %q", run, log.created, wantCreated)
		}
		if len(log.open) == 0 {
			t.Errorf("run %d opened nothing in b", run)
		}
		for _, name := range log.open {
			if name != before.mailbox {
				t.Errorf("run %d opened %q in b, the box's value holds %q", run, name, before.mailbox)
			}
		}
		if got := sb.box("work"); got != before {
			t.Errorf("run %d: after the run the box is %+v, before it %+v", run, got, before)
		}
	}
	if ids := last["work"]; len(ids) != 1 {
		t.Errorf("state of work %q, want one id", ids)
	}
}
