package channel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// How far an error reaches (doc/design/engine.md, "How far an error
// reaches"): a message's failure fails that message, a box's that box, a
// store's (store.ErrStoreUnavailable) every box of the store that is
// still to come, at once.

// scoped is store b of the scope tests: its box "lists" fails as the
// test says, and it counts the boxes opened.
type scoped struct {
	*memory.Store
	openErr   error  // Open of "lists" fails with it
	appendErr string // an Append whose body holds this fails
	mu        sync.Mutex
	opened    []string
}

func (s *scoped) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	s.mu.Lock()
	s.opened = append(s.opened, name)
	s.mu.Unlock()
	if name == "lists" && s.openErr != nil {
		return nil, s.openErr
	}
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil || s.appendErr == "" {
		return mb, err
	}
	return &failingAppends{Mailbox: mb, marker: s.appendErr}, nil
}

// failingAppends refuses the message whose body holds marker.
type failingAppends struct {
	store.Mailbox
	marker string
}

func (m *failingAppends) Append(ctx context.Context, nm store.NewMessage) error {
	body, err := io.ReadAll(nm.Body)
	if err != nil {
		return err
	}
	if bytes.Contains(body, []byte(m.marker)) {
		return errors.New("message refused")
	}
	nm.Body = bytes.NewReader(body)
	return m.Mailbox.Append(ctx, nm)
}

// runScoped syncs a with b and returns the state, the result and the
// events.
func runScoped(t *testing.T, w *world, b store.Store) (msinfo.State, Result, []event.Event) {
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	var evs []event.Event
	e := &Engine{R: r, trace: func(ev event.Event) { evs = append(evs, ev) }}
	sa, sb := sidesOf(t, r, w.a, b)
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	return next, res, evs
}

func countEvents[T event.Event](evs []event.Event) int {
	n := 0
	for _, ev := range evs {
		if _, ok := ev.(T); ok {
			n++
		}
	}
	return n
}

func TestErrorScopes(t *testing.T) {
	boxes := []string{"inbox", "lists", "work"}
	// fresh is store b holding the three boxes, empty.
	fresh := func(t *testing.T) (*world, *scoped) {
		w := newWorld()
		b := &scoped{Store: memory.New()}
		for _, box := range boxes {
			w.put(t, w.a, box, "<1"+box+"@x>", box+" one", 0)
			w.put(t, w.a, box, "<2"+box+"@x>", box+" two", 0)
			if err := b.Store.Put(box, msg("<0"+box+"@x>", box+" zero"), 0, jan1); err != nil {
				t.Fatal(err)
			}
		}
		w.last = msinfo.State{"lists": {"<0lists@x>"}}
		return w, b
	}
	t.Run("message", func(t *testing.T) {
		w, b := fresh(t)
		b.appendErr = "lists two"
		next, res, evs := runScoped(t, w, b)
		check(t, "failed", res.Failed, true)
		check(t, "copy errors", countEvents[event.CopyError](evs), 1)
		// lists zero, recorded and gone from a, is deleted in b
		check(t, "lists in b", subjects(b.Store, "lists"), []string{"lists one"})
		check(t, "work in b", subjects(b.Store, "work"), []string{"work zero", "work one", "work two"})
		// the refused message is left out of the state: the next run copies it again
		if slices.Contains(next["lists"], "<2lists@x>") || !slices.Contains(next["lists"], "<1lists@x>") {
			t.Errorf("state of lists %v", next["lists"])
		}
	})
	t.Run("box", func(t *testing.T) {
		w, b := fresh(t)
		b.openErr = errors.New("no such luck")
		next, res, evs := runScoped(t, w, b)
		check(t, "failed", res.Failed, true)
		check(t, "open failures", countEvents[event.OpenFailed](evs), 1)
		check(t, "lists state kept", next["lists"], []string{"<0lists@x>"})
		check(t, "work in b", subjects(b.Store, "work"), []string{"work zero", "work one", "work two"})
		check(t, "boxes opened in b", slices.Contains(b.opened, "work"), true)
	})
	t.Run("store", func(t *testing.T) {
		w, b := fresh(t)
		b.openErr = store.ErrStoreUnavailable
		next, res, evs := runScoped(t, w, b)
		check(t, "failed", res.Failed, true)
		check(t, "store given up once", countEvents[event.StoreGone](evs), 1)
		check(t, "open failures", countEvents[event.OpenFailed](evs), 0)
		check(t, "inbox in b", subjects(b.Store, "inbox"), []string{"inbox zero", "inbox one", "inbox two"})
		check(t, "work never opened", slices.Contains(b.opened, "work"), false)
		check(t, "work in b", subjects(b.Store, "work"), []string{"work zero"})
		check(t, "lists state kept", next["lists"], []string{"<0lists@x>"})
		if _, ok := next["work"]; ok {
			t.Errorf("work got a state %v though it was never read", next["work"])
		}
	})
}
