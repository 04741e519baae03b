package channel

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/store"
)

// Box is one box name of a store after prefix stripping and delimiter
// mapping.
type Box struct {
	Name     string
	NoSelect bool
	// Chosen is where the part of Name that the store chose begins:
	// what comes before it was fixed by the configuration (the literal
	// start of the store's ref and pat). Names are checked from there
	// before they reach another store (names.go).
	Chosen int
	// Mailbox is the box's name in its store when it is not the one
	// Name gives (MailboxName): a local name paired under its modified
	// UTF-7 form (pairWithServer). "" otherwise.
	Mailbox string
}

// Boxes is the set of boxes one store holds, with its delimiter.
type Boxes struct {
	Delim byte
	// mu guards byName: boxes synchronised at once may create boxes.
	mu     sync.Mutex
	byName map[string]*Box
	// listed are the raw listed entries (for -d).
	listed []store.ListEntry
}

// Lookup returns the box with that name.
func (b *Boxes) Lookup(name string) (*Box, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	x, ok := b.byName[name]
	return x, ok
}

// Names returns the box names in box order (doc/design/behaviour.md#box-order).
func (b *Boxes) Names() []string {
	b.mu.Lock()
	names := make([]string, 0, len(b.byName))
	for n := range b.byName {
		names = append(names, n)
	}
	b.mu.Unlock()
	SortBoxNames(names)
	return names
}

// Add records a box (created during the run).
func (b *Boxes) Add(name string, noSelect bool) { b.AddAs(name, "", noSelect) }

// AddAs records a box created during the run under mailbox name mailbox
// ("" when it is the one Name gives).
func (b *Boxes) AddAs(name, mailbox string, noSelect bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.byName[name] = &Box{Name: name, NoSelect: noSelect, Mailbox: mailbox}
}

// Remove forgets a box (deleted with -D).
func (b *Boxes) Remove(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.byName, name)
}

// SortBoxNames sorts names in 5.2.7's box order: longer names first,
// equal lengths in byte order.
func SortBoxNames(names []string) {
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
}

// Mailbox is the name of box name (a pair name) in store s, what its
// Open, Create and Delete take: the name it was listed under when that
// differs from the pair name (pairWithServer), else MailboxName. It is the
// one place a mailbox name is found; the engine asks it once per box and
// side (Side.box, doc/design/names.md).
func (s *Side) Mailbox(name string) string {
	if b, ok := s.Boxes.Lookup(name); ok && b.Mailbox != "" {
		return b.Mailbox
	}
	return MailboxName(s.Cfg, s.Boxes.Delim, name)
}

// MailboxName is the mailbox name the configuration gives box in a store:
// the store's prefix, then the box name with '/' mapped to the store's
// delimiter. It is what the Store's Open, Create and Delete take (with
// the store's server in front, c-client's full name).
func MailboxName(cfg *config.Store, delim byte, box string) string {
	if delim != '/' && delim != 0 {
		box = strings.ReplaceAll(box, "/", string(delim))
	}
	return cfg.Prefix + box
}

// ListBoxes lists a store's boxes with its ref and pat (doc/design/behaviour.md#listing). Names
// that cannot be represented (containing '/' in a store whose delimiter is
// not '/') are reported through r and left out.
func ListBoxes(ctx context.Context, st store.Store, cfg *config.Store, r *Reporter) (*Boxes, error) {
	b := &Boxes{byName: map[string]*Box{}}
	var entries []store.ListEntry
	// c-client lists a server only for a remote ref or pattern
	// ({host}...); a store with a server but a local ref and pattern
	// lists nothing (5.2.7 then aborts; doc/design/decisions.md#d10-no-crashes: no boxes).
	remote := cfg.Server == "" || isRemote(cfg.Ref) || isRemote(cfg.Pat)
	if !remote {
		// 5.2.7 aborts on such a store; listing nothing would make the
		// first sync create every box on the server and later syncs
		// stop at the mass-deletion brake: say how to fix it instead.
		return nil, fmt.Errorf("store %s has a server, but neither its ref nor its pat names it, so it lists no mailboxes (mailsync 5.2.7 aborts here); add the line \"ref %s\" to the store", cfg.Name, cfg.Server)
	}
	if cfg.Pat != "" && remote {
		var err error
		entries, err = st.List(ctx, stripServer(cfg.Ref), stripServer(cfg.Pat))
		if err != nil {
			return nil, fmt.Errorf("list store %s: %w", cfg.Name, err)
		}
	}
	b.listed = entries
	for _, e := range entries {
		if e.Delim != 0 && b.Delim == 0 {
			b.Delim = e.Delim
		}
	}
	if b.Delim == 0 && remote {
		// Learn the delimiter from INBOX under the ref (doc/design/behaviour.md#hierarchy-delimiter); doc/design/decisions.md#d10-no-crashes: a
		// store whose delimiter cannot be learned uses '/'.
		if inbox, err := st.List(ctx, stripServer(cfg.Ref), "INBOX"); err == nil {
			for _, e := range inbox {
				if e.Delim != 0 {
					b.Delim = e.Delim
					break
				}
			}
			b.listed = append(b.listed, inbox...) // -d shows them too
		}
	}
	if b.Delim == 0 {
		b.Delim = '/'
	}
	for _, e := range entries {
		name := stripServer(e.Name)
		fixed := configuredPart(cfg, name)
		if strings.HasPrefix(name, cfg.Prefix) {
			name = name[len(cfg.Prefix):]
			fixed = max(0, fixed-len(cfg.Prefix))
		}
		if b.Delim != '/' {
			if strings.Contains(name, "/") {
				event.Printer{}.Print(r, event.SlashInName{Box: name})
				continue
			}
			name = strings.ReplaceAll(name, string(b.Delim), "/")
		}
		b.byName[name] = &Box{Name: name, NoSelect: e.NoSelect, Chosen: fixed}
	}
	return b, nil
}

// pairWithServer re-keys the boxes of a local store that is paired with
// an IMAP store (doc/design/names.md): a server lists and mailsync 5.2.7
// records folder names in modified UTF-7 ("priv&AOk-"), so a local name
// pairs under that form. A local name already in it (ASCII, or
// "priv&AOk-" written by 5.2.7) pairs as it is; another one ("privé",
// "Tom & Jerry") pairs under its encoding and keeps its own name for
// opening. When two local names give one pair name, the one already in
// that form wins and the other is skipped with a warning. Between two
// local stores names pair as they are, as in 5.2.7.
func pairWithServer(r *Reporter, s *Side, other *config.Store) {
	if s.Cfg.Server != "" || other.Server == "" {
		return
	}
	b := s.Boxes
	b.mu.Lock()
	defer b.mu.Unlock()
	keyed := make(map[string]*Box, len(b.byName))
	for _, box := range b.byName {
		if !mutf7.Canonical(box.Name) && utf8.ValidString(box.Name) {
			box.Mailbox = MailboxName(s.Cfg, b.Delim, box.Name)
			box.Chosen = len(mutf7.Encode(box.Name[:min(box.Chosen, len(box.Name))]))
			box.Name = mutf7.Encode(box.Name)
		}
		if old, ok := keyed[box.Name]; ok {
			keep, drop := old, box
			if old.Mailbox != "" {
				keep, drop = box, old
			}
			event.Printer{}.Print(r, event.NameClash{Mailbox: drop.Mailbox, Store: s.Name(),
				ServerName: keep.Name, Other: MailboxName(s.Cfg, b.Delim, keep.Name)})
			box = keep
		}
		keyed[box.Name] = box
	}
	b.byName = keyed
}

// isRemote reports whether a c-client name names a server.
func isRemote(name string) bool { return strings.HasPrefix(name, "{") }

// stripServer removes everything up to and including the first '}'.
func stripServer(name string) string {
	if i := strings.IndexByte(name, '}'); i >= 0 {
		return name[i+1:]
	}
	return name
}
