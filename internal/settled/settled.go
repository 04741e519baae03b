// Package settled keeps, per channel, the boxes whose last sync left both
// sides holding just the ids it recorded: no duplicate, no message without
// an id and none flagged deleted. For each it records the signatures the
// stores gave for the box before it was read (store.Signer) and a digest
// of the ids the msinfo recorded for it then.
//
// A sync that found nothing to do records both signatures. One that wrote
// to one side only (copies into it, deletions, flag changes) records the
// other side's signature and none for the side it changed: that side must
// be read again, and hold the recorded ids, before the box counts as
// settled (doc/design/wan.md, "Settled after a change"). A sync that
// changed both sides records nothing.
//
// While the recorded signatures and the box's msinfo entry are unchanged
// (and the side to read holds what was recorded), reading the box again
// would find the same messages, decide the same nothing and print the
// same lines, so the sync engine leaves it alone. A signature only says
// "unchanged" when nothing can have changed (see package filesig for
// local files); any doubt reads the box as before.
//
// The book is a cache: it lives under the cache directory, a damaged or
// foreign file counts as empty, and only the boxes a run confirmed or
// recorded are kept when it is saved.
package settled

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"slices"
	"sync"

	"github.com/mailsync/mailsync/internal/cachefile"
)

// kind is the format of the book files.
const kind = "mailsync settled boxes 1"

// Digest sums the ids recorded for a box.
type Digest [sha256.Size]byte

// DigestOf returns the digest of ids, whatever their order (the msinfo
// keeps them in byte order).
func DigestOf(ids []string) Digest {
	if !slices.IsSorted(ids) {
		ids = slices.Sorted(slices.Values(ids))
	}
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, id := range ids {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(id)))])
		h.Write([]byte(id))
	}
	var d Digest
	h.Sum(d[:0])
	return d
}

// Entry is what the book knows of one box.
type Entry struct {
	// A and B are the signatures of the box in the channel's two stores;
	// empty for a side the recording sync changed (it is read to check).
	A, B []byte
	IDs  Digest // of the ids the msinfo recorded for it
}

// Check reports whether e may be for a box with signatures a and b (nil:
// the store gave none) whose msinfo entry has digest ids, and which side
// must then be read to be sure (-1: none, 0: A, 1: B). That side must
// hold the recorded ids and nothing else.
func (e Entry) Check(a, b []byte, ids Digest) (read int, ok bool) {
	switch {
	case e.IDs != ids:
		return -1, false
	case len(e.A) == 0 && len(e.B) > 0:
		return 0, bytes.Equal(e.B, b)
	case len(e.B) == 0 && len(e.A) > 0:
		return 1, bytes.Equal(e.A, a)
	}
	return -1, len(e.A) > 0 && e.Matches(a, b, ids)
}

// SettledB reports whether e may leave side B of a box with signature b
// and msinfo digest ids unread: Check asks to read B (or finds no match,
// so that the box is read whole) whenever this is false.
func (e Entry) SettledB(b []byte, ids Digest) bool {
	return e.IDs == ids && len(e.B) > 0 && bytes.Equal(e.B, b)
}

// Matches reports whether e is for a box with signatures a and b whose
// msinfo entry has digest ids.
func (e Entry) Matches(a, b []byte, ids Digest) bool {
	return bytes.Equal(e.A, a) && bytes.Equal(e.B, b) && e.IDs == ids
}

// Book is the settled boxes of one channel.
type Book struct {
	mu            sync.Mutex // Keep may be called for several boxes at once
	dir, identity string
	old           map[string]Entry // as loaded
	next          map[string]Entry // confirmed or recorded by this run
}

// Open loads the book of identity (everything that makes a channel's
// boxes what they are: channel, msinfo, stores, id algorithm) from dir.
// A missing, damaged or foreign file is an empty book. With dir "" the
// book is never saved.
func Open(dir, identity string) *Book {
	b := &Book{dir: dir, identity: identity, next: map[string]Entry{}}
	if payload, ok := cachefile.Read(dir, kind, identity); ok {
		b.old, _ = decode(payload) // what decodes before damage is sound
	}
	return b
}

// Lookup returns the entry loaded for box.
func (b *Book) Lookup(box string) (Entry, bool) {
	e, ok := b.old[box]
	return e, ok
}

// Keep puts box's entry in the book Save writes.
func (b *Book) Keep(box string, e Entry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next[box] = e
}

// Save replaces the book's file with the entries kept by this run,
// atomically. Nothing is written when they are those loaded.
func (b *Book) Save() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dir == "" || equal(b.old, b.next) {
		return nil
	}
	names := make([]string, 0, len(b.next))
	for name := range b.next {
		names = append(names, name)
	}
	slices.Sort(names)
	content := cachefile.New(kind, b.identity, 64*len(names))
	content = binary.AppendUvarint(content, uint64(len(names)))
	for _, name := range names {
		e := b.next[name]
		for _, field := range [][]byte{[]byte(name), e.A, e.B} {
			content = binary.AppendUvarint(content, uint64(len(field)))
			content = append(content, field...)
		}
		content = append(content, e.IDs[:]...)
	}
	return cachefile.Write(b.dir, b.identity, content)
}

func equal(x, y map[string]Entry) bool {
	if len(x) != len(y) {
		return false
	}
	for k, e := range x {
		f, ok := y[k]
		if !ok || !f.Matches(e.A, e.B, e.IDs) {
			return false
		}
	}
	return true
}

var errShort = errors.New("settled: truncated book")

// decode reads a payload written by Save.
func decode(p []byte) (map[string]Entry, error) {
	n, k := binary.Uvarint(p)
	if k <= 0 {
		return nil, errShort
	}
	p = p[k:]
	m := make(map[string]Entry, min(n, 1<<16))
	field := func() ([]byte, bool) {
		l, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < l {
			return nil, false
		}
		f := p[k : k+int(l) : k+int(l)]
		p = p[k+int(l):]
		return f, true
	}
	for range n {
		name, ok1 := field()
		a, ok2 := field()
		b, ok3 := field()
		if !ok1 || !ok2 || !ok3 || len(p) < len(Digest{}) {
			return m, errShort
		}
		e := Entry{A: a, B: b}
		copy(e.IDs[:], p)
		p = p[len(e.IDs):]
		m[string(name)] = e
	}
	return m, nil
}
