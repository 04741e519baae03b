package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/pattern"
)

// Delim is the hierarchy delimiter of a memory Store.
const Delim = '/'

var errClosed = errors.New("store is closed")

// Store is an in-memory store.Store. The zero value is not usable; call New.
type Store struct {
	mu      sync.Mutex
	boxes   map[string]*box
	folders map[string]bool // not selectable folders, by name without the trailing '/'
	closed  bool
	fault   fault
	// made counts the boxes ever created: each box's serial, which tells
	// a box deleted and made again from the old one.
	made uint64
	// noKeywords: the store's mailboxes keep no keywords (SetKeepsKeywords).
	noKeywords bool
}

var _ store.Store = (*Store)(nil)

// box is one mailbox. Deleting a mailbox marks its box gone, so that a
// Mailbox still open on it fails instead of writing into nowhere.
type box struct {
	name    string
	msgs    []*message
	nextKey uint64
	gone    bool
	serial  uint64
}

type message struct {
	key      uint64
	raw      []byte // CRLF wire form
	flags    store.Flags
	keywords store.Keywords
	date     time.Time
}

// describe gives m as Messages lists it; keywords: the store keeps them.
func (m *message) describe(keywords bool) store.Message {
	d := store.Message{
		Key:          m.key,
		Size:         int64(len(m.raw)),
		Flags:        m.flags,
		InternalDate: m.date,
		Header:       header(m.raw),
	}
	if keywords {
		d.Keywords = m.keywords
	}
	return d
}

func (b *box) add(raw []byte, flags store.Flags, date time.Time) {
	b.nextKey++
	b.msgs = append(b.msgs, &message{key: b.nextKey, raw: raw, flags: flags, date: date})
}

// New returns an empty Store.
func New() *Store {
	return &Store{boxes: map[string]*box{}, folders: map[string]bool{}}
}

// checkName rejects names no store could hold: empty, ending in the
// delimiter, or with an empty component.
func checkName(name string) error {
	if name == "" || strings.HasSuffix(name, "/") || strings.HasPrefix(name, "/") || strings.Contains(name, "//") {
		return fmt.Errorf("invalid mailbox name %q", name)
	}
	return nil
}

// use checks that the store is open; the caller holds s.mu.
func (s *Store) use() error {
	if s.closed {
		return errClosed
	}
	return nil
}

// List returns the mailboxes and folders whose names match ref+pat.
// As c-client's file-system lister does with directories, a folder is
// listed not selectable as "d" when that matches, else as "d/" when that
// matches ("x/%" lists "x/").
func (s *Store) List(ctx context.Context, ref, pat string) ([]store.ListEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: list %q: %w", ref+pat, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.use(); err != nil {
		return nil, fmt.Errorf("memory: list %q: %w", ref+pat, err)
	}
	full := ref + pat
	var out []store.ListEntry
	for name := range s.boxes {
		if pattern.Match(full, name, Delim) {
			out = append(out, store.ListEntry{Name: name, Delim: Delim})
		}
	}
	for name := range s.folders {
		if _, isBox := s.boxes[name]; isBox {
			continue
		}
		switch {
		case pattern.Match(full, name, Delim):
			out = append(out, store.ListEntry{Name: name, Delim: Delim, NoSelect: true})
		case pattern.Match(full, name+"/", Delim):
			out = append(out, store.ListEntry{Name: name + "/", Delim: Delim, NoSelect: true})
		}
	}
	slices.SortFunc(out, func(a, b store.ListEntry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Open opens the mailbox name. ErrNoMailbox if there is none (a folder is
// not a mailbox).
func (s *Store) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory: open %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.use(); err != nil {
		return nil, fmt.Errorf("memory: open %s: %w", name, err)
	}
	b, ok := s.boxes[name]
	if !ok {
		return nil, fmt.Errorf("memory: open %s: %w", name, store.ErrNoMailbox)
	}
	return &Mailbox{s: s, b: b, mode: mode}, nil
}

// Create makes an empty mailbox and records its missing parents as
// folders. ErrExists if name is a mailbox or a folder.
func (s *Store) Create(ctx context.Context, name string) error {
	return s.mutate(ctx, "create", name, func() error { return s.create(name, false) })
}

// Delete removes the mailbox name and its messages; its parent folders
// stay. ErrNoMailbox if name is not a mailbox.
func (s *Store) Delete(ctx context.Context, name string) error {
	return s.mutate(ctx, "delete", name, func() error {
		b, ok := s.boxes[name]
		if !ok {
			return store.ErrNoMailbox
		}
		b.gone = true
		delete(s.boxes, name)
		return nil
	})
}

// Close makes the Store unusable. Mailboxes already open stay usable.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("memory: close: %w", errClosed)
	}
	s.closed = true
	return nil
}

// mutate runs f under the lock as one mutating call: it checks ctx, the
// store's state and the injected fault first, and wraps f's error.
func (s *Store) mutate(ctx context.Context, op, name string, f func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: %s %s: %w", op, name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.use(); err != nil {
		return fmt.Errorf("memory: %s %s: %w", op, name, err)
	}
	if err := s.fault.next(); err != nil {
		return fmt.Errorf("memory: %s %s: %w", op, name, err)
	}
	if err := f(); err != nil {
		return fmt.Errorf("memory: %s %s: %w", op, name, err)
	}
	s.fault.done++
	return nil
}

// create adds a mailbox (folder=false) or a folder and the missing
// parents; the caller holds s.mu.
func (s *Store) create(name string, folder bool) error {
	if err := checkName(name); err != nil {
		return err
	}
	if _, ok := s.boxes[name]; ok || s.folders[name] {
		return store.ErrExists
	}
	for i := strings.IndexByte(name, Delim); i >= 0; {
		parent := name[:i]
		if _, ok := s.boxes[parent]; !ok {
			s.folders[parent] = true
		}
		j := strings.IndexByte(name[i+1:], Delim)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if folder {
		s.folders[name] = true
	} else {
		s.made++
		s.boxes[name] = &box{name: name, serial: s.made}
	}
	return nil
}

var _ store.ConcurrentBoxes = (*Store)(nil)

// ConcurrentBoxes implements store.ConcurrentBoxes (every call holds the
// store's lock).
func (s *Store) ConcurrentBoxes() bool { return true }
