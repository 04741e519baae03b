package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mailsync/mailsync/internal/store"
)

var errBoxClosed = errors.New("mailbox is closed")

// Mailbox is an open mailbox of a memory Store. It implements
// store.Mailbox.
type Mailbox struct {
	s      *Store
	b      *box
	mode   store.Mode
	closed bool // guarded by s.mu
}

var _ store.Mailbox = (*Mailbox)(nil)

// usable checks that the mailbox is open and still exists; the caller
// holds m.s.mu.
func (m *Mailbox) usable() error {
	if m.closed {
		return errBoxClosed
	}
	if m.b.gone {
		return store.ErrNoMailbox
	}
	return nil
}

// Messages returns every message in order.
func (m *Mailbox) Messages(ctx context.Context) ([]store.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: messages of %s: %w", m.b.name, err)
	}
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, fmt.Errorf("memory: messages of %s: %w", m.b.name, err)
	}
	out := make([]store.Message, len(m.b.msgs))
	for i, msg := range m.b.msgs {
		out[i] = msg.describe(!m.s.noKeywords)
	}
	return out, nil
}

// Fetch returns a copy of the message's bytes; flags do not change.
func (m *Mailbox) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: fetch %d from %s: %w", key, m.b.name, err)
	}
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, fmt.Errorf("memory: fetch %d from %s: %w", key, m.b.name, err)
	}
	for _, msg := range m.b.msgs {
		if msg.key == key {
			return io.NopCloser(bytes.NewReader(bytes.Clone(msg.raw))), nil
		}
	}
	return nil, fmt.Errorf("memory: fetch %d from %s: no such message", key, m.b.name)
}

// Append adds a message at the end. The body must yield exactly m.Size
// bytes with CRLF line ends; only store.CopiedFlags are kept.
func (m *Mailbox) Append(ctx context.Context, nm store.NewMessage) error {
	if m.mode == store.ReadOnly {
		return fmt.Errorf("memory: append to %s: %w", m.b.name, store.ErrReadOnly)
	}
	raw, err := io.ReadAll(nm.Body)
	if err != nil {
		return fmt.Errorf("memory: append to %s: reading body: %w", m.b.name, err)
	}
	if int64(len(raw)) != nm.Size {
		return fmt.Errorf("memory: append to %s: body has %d bytes, Size says %d", m.b.name, len(raw), nm.Size)
	}
	if err := checkCRLF(raw); err != nil {
		return fmt.Errorf("memory: append to %s: %w", m.b.name, err)
	}
	return m.s.mutate(ctx, "append to", m.b.name, func() error {
		if err := m.usable(); err != nil {
			return err
		}
		m.b.add(raw, nm.Flags&store.CopiedFlags, nm.InternalDate)
		return nil
	})
}

// MarkDeleted sets \Deleted on the messages with the given keys. An
// unknown key is an error and changes nothing.
func (m *Mailbox) MarkDeleted(ctx context.Context, keys []uint64) error {
	if m.mode == store.ReadOnly {
		return fmt.Errorf("memory: mark deleted in %s: %w", m.b.name, store.ErrReadOnly)
	}
	return m.s.mutate(ctx, "mark deleted in", m.b.name, func() error {
		if err := m.usable(); err != nil {
			return err
		}
		byKey := make(map[uint64]*message, len(m.b.msgs))
		for _, msg := range m.b.msgs {
			byKey[msg.key] = msg
		}
		for _, k := range keys {
			if byKey[k] == nil {
				return fmt.Errorf("no message with key %d", k)
			}
		}
		for _, k := range keys {
			byKey[k].flags |= store.Deleted
		}
		return nil
	})
}

// Expunge removes every message flagged \Deleted and returns how many.
func (m *Mailbox) Expunge(ctx context.Context) (int, error) {
	if m.mode == store.ReadOnly {
		return 0, fmt.Errorf("memory: expunge %s: %w", m.b.name, store.ErrReadOnly)
	}
	n := 0
	err := m.s.mutate(ctx, "expunge", m.b.name, func() error {
		if err := m.usable(); err != nil {
			return err
		}
		kept := m.b.msgs[:0:0]
		for _, msg := range m.b.msgs {
			if msg.flags&store.Deleted == 0 {
				kept = append(kept, msg)
			}
		}
		n = len(m.b.msgs) - len(kept)
		m.b.msgs = kept
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Close releases the mailbox; \Deleted marks are kept.
func (m *Mailbox) Close() error {
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	if m.closed {
		return fmt.Errorf("memory: close %s: %w", m.b.name, errBoxClosed)
	}
	m.closed = true
	return nil
}
