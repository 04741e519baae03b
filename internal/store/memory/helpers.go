package memory

import (
	"fmt"
	"slices"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// Put appends a message to the mailbox box, creating the mailbox (and its
// parent folders) when it does not exist. raw may have LF line ends: it is
// stored with CRLF. All flags are kept, Recent included. Put is a test
// helper: it is not a mutating call for FailAfter and Mutations.
func (s *Store) Put(box string, raw []byte, flags store.Flags, date time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[box]
	if !ok {
		if err := s.create(box, false); err != nil {
			return fmt.Errorf("memory: put into %s: %w", box, err)
		}
		b = s.boxes[box]
	}
	b.add(toCRLF(raw), flags, date)
	return nil
}

// Folder records a not selectable folder name (and its missing parents),
// as a directory without mailboxes. ErrExists if name is taken.
func (s *Store) Folder(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.create(name, true); err != nil {
		return fmt.Errorf("memory: folder %s: %w", name, err)
	}
	return nil
}

// Boxes returns the names of all mailboxes (not folders), sorted.
func (s *Store) Boxes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.boxes))
	for name := range s.boxes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Contents returns the messages of the mailbox box in order and, at the
// same index, a copy of each message's bytes. Both are nil when there is
// no such mailbox.
func (s *Store) Contents(box string) ([]store.Message, [][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[box]
	if !ok {
		return nil, nil
	}
	msgs := make([]store.Message, len(b.msgs))
	raws := make([][]byte, len(b.msgs))
	for i, m := range b.msgs {
		msgs[i] = m.describe(true)
		raws[i] = slices.Clone(m.raw)
	}
	return msgs, raws
}
