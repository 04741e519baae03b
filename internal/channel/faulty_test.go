package channel

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mailsync/mailsync/internal/store"
)

// errInjected is the error of an injected fault.
var errInjected = errors.New("injected fault")

// faults counts the mutating calls (Create, Delete, Append, MarkDeleted,
// Expunge) made through every faultyStore sharing it, and makes the
// failAt-th call and every later one fail without reaching the store: a
// run stopped after failAt-1 changes.
type faults struct {
	mu     sync.Mutex
	done   int                // calls that reached the store and succeeded
	failAt int                // 0: no fault armed
	cancel context.CancelFunc // called when the fault fires (interrupt model)
}

// arm makes the k-th coming mutating call fail (counted from the start).
func (f *faults) arm(k int, cancel context.CancelFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAt, f.cancel = k, cancel
}

// before is called before a mutating call; it returns the injected error.
func (f *faults) before(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAt > 0 && f.done+1 >= f.failAt {
		if f.cancel != nil {
			f.cancel()
		}
		return fmt.Errorf("%s: %w", op, errInjected)
	}
	return nil
}

// after records the outcome of a mutating call that reached the store.
func (f *faults) after(err error) error {
	if err == nil {
		f.mu.Lock()
		f.done++
		f.mu.Unlock()
	}
	return err
}

// count returns the number of successful mutating calls.
func (f *faults) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done
}

// faultyStore wraps a store.Store with a faults counter.
type faultyStore struct {
	store.Store
	f *faults
}

func (s *faultyStore) Create(ctx context.Context, name string) error {
	if err := s.f.before("create " + name); err != nil {
		return err
	}
	return s.f.after(s.Store.Create(ctx, name))
}

func (s *faultyStore) Delete(ctx context.Context, name string) error {
	if err := s.f.before("delete " + name); err != nil {
		return err
	}
	return s.f.after(s.Store.Delete(ctx, name))
}

func (s *faultyStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	mb, err := s.Store.Open(ctx, name, mode)
	if err != nil {
		return nil, err
	}
	fm := &faultyMailbox{Mailbox: mb, f: s.f}
	if _, ok := mb.(store.Streamer); ok {
		return faultyStreamer{fm}, nil // read as the engine reads the box itself
	}
	return fm, nil
}

// faultyStreamer is a faultyMailbox over a mailbox that streams its
// messages.
type faultyStreamer struct{ *faultyMailbox }

func (m faultyStreamer) EachMessage(ctx context.Context, fn func(store.Message) error) error {
	return m.Mailbox.(store.Streamer).EachMessage(ctx, fn)
}

// faultyMailbox wraps a store.Mailbox with a faults counter.
type faultyMailbox struct {
	store.Mailbox
	f *faults
}

func (m *faultyMailbox) Append(ctx context.Context, nm store.NewMessage) error {
	if err := m.f.before("append"); err != nil {
		return err
	}
	return m.f.after(m.Mailbox.Append(ctx, nm))
}

func (m *faultyMailbox) MarkDeleted(ctx context.Context, keys []uint64) error {
	if err := m.f.before("mark deleted"); err != nil {
		return err
	}
	return m.f.after(m.Mailbox.MarkDeleted(ctx, keys))
}

func (m *faultyMailbox) Expunge(ctx context.Context) (int, error) {
	if err := m.f.before("expunge"); err != nil {
		return 0, err
	}
	n, err := m.Mailbox.Expunge(ctx)
	return n, m.f.after(err)
}

// SetFlags counts as one mutating call, as the stores count it; a
// mailbox that cannot change flags stays one that cannot.
func (m *faultyMailbox) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	fs, ok := m.Mailbox.(store.FlagSetter)
	if !ok {
		return errNoFlagSetter
	}
	if err := m.f.before("set flags"); err != nil {
		return err
	}
	return m.f.after(fs.SetFlags(ctx, changes))
}

// KeepsKeywords is the wrapped mailbox's: a wrapper must not hide that
// it keeps keywords.
func (m *faultyMailbox) KeepsKeywords() bool { return store.KeepsKeywords(m.Mailbox) }
