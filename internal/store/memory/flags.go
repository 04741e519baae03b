package memory

import (
	"context"
	"fmt"

	"github.com/mailsync/mailsync/internal/store"
)

var (
	_ store.FlagSetter    = (*Mailbox)(nil)
	_ store.KeywordKeeper = (*Mailbox)(nil)
)

// KeepsKeywords implements store.KeywordKeeper: true unless the store
// was told otherwise (SetKeepsKeywords).
func (m *Mailbox) KeepsKeywords() bool {
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	return !m.s.noKeywords
}

// SetKeepsKeywords makes the store's mailboxes keep keywords or not (a
// test helper: a store that keeps none, as a backend without them; the
// keywords its messages already have stay, unseen).
func (s *Store) SetKeepsKeywords(keep bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noKeywords = !keep
}

// SetKeywordsAt gives the i-th message of box box the keywords k, as a
// mail client would (a test helper like SetFlagsAt).
func (s *Store) SetKeywordsAt(box string, i int, k store.Keywords) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[box]
	if !ok || i < 0 || i >= len(b.msgs) {
		return false
	}
	b.msgs[i].keywords = k
	return true
}

// SetFlags implements store.FlagSetter. It is one mutating call for
// FailAfter and Mutations, whatever the number of changes (a backend
// batches them); an unknown key is an error and changes nothing.
func (m *Mailbox) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if m.mode == store.ReadOnly {
		return fmt.Errorf("memory: set flags in %s: %w", m.b.name, store.ErrReadOnly)
	}
	return m.s.mutate(ctx, "set flags in", m.b.name, func() error {
		if err := m.usable(); err != nil {
			return err
		}
		byKey := make(map[uint64]*message, len(m.b.msgs))
		for _, msg := range m.b.msgs {
			byKey[msg.key] = msg
		}
		for _, c := range changes {
			if byKey[c.Key] == nil {
				return fmt.Errorf("no message with key %d", c.Key)
			}
		}
		for _, c := range changes {
			msg := byKey[c.Key]
			msg.flags = c.Apply(msg.flags)
			if !m.s.noKeywords {
				msg.keywords = msg.keywords.Apply(c.AddKeywords, c.RemoveKeywords)
			}
		}
		return nil
	})
}

// SetFlagsAt gives the i-th message of box box the flags f, as a mail
// client would (a test helper: not a mutating call for FailAfter and
// Mutations). It reports false when there is no such message.
func (s *Store) SetFlagsAt(box string, i int, f store.Flags) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[box]
	if !ok || i < 0 || i >= len(b.msgs) {
		return false
	}
	b.msgs[i].flags = f
	return true
}
