package mbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

// Keywords in an mbox, as c-client keeps them (doc/design/mbox.md,
// "Keywords"): a message's X-Keywords: line names its keywords, but a
// word there is a keyword only when the mailbox declares it, in the list
// after the UID validity and last UID of its first message's X-IMAP:
// (the pseudo message) or X-IMAPbase: line. c-client reads at most 30
// declared names (NUSERFLAGS) of at most 64 bytes (MAXUSERFLAG), and a
// rewrite by c-client (5.2.7's expunge) keeps only declared keywords. So
// a box keeps keywords when it has such a line; a keyword it does not
// declare yet is declared before a message carries it.

// maxDeclared is c-client's NUSERFLAGS: the declared keywords it reads.
const maxDeclared = 30

// maxUserFlag is c-client's MAXUSERFLAG: the longest keyword it reads.
const maxUserFlag = 64

// declaration is a box's keyword declaration.
type declaration struct {
	present bool     // the first message has an X-IMAP:/X-IMAPbase: line
	names   []string // the declared keywords, in order (at most maxDeclared)
	dirty   bool     // names grew in this session and are not written yet
	// read is how many of names the file declared when it was read
	// (or last written): a word that none of them named was another
	// program's tag then.
	read int
}

// set takes the declared names from the first message's line, as
// c-client reads them.
func (d *declaration) set(words [][]byte) {
	d.present, d.names = true, d.names[:0]
	for _, w := range words {
		if len(d.names) == maxDeclared {
			break
		}
		if len(w) <= maxUserFlag {
			d.names = append(d.names, string(w))
		}
	}
	d.read = len(d.names)
}

// index is the position of keyword name among the declared ones (ASCII
// case ignored, as c-client compares), -1 when it is not declared.
func (d *declaration) index(name []byte) int {
	for i, n := range d.names {
		if len(n) == len(name) && strings.EqualFold(n, string(name)) {
			return i
		}
	}
	return -1
}

// bits are the declared keywords among words (a message's X-Keywords:
// words), one bit each by declared position.
func (d *declaration) bits(words [][]byte) uint32 {
	var kw uint32
	for _, w := range words {
		if i := d.index(w); i >= 0 {
			kw |= 1 << i
		}
	}
	return kw
}

// keywords are the keywords of bits kw as a store.Keywords set.
func (d *declaration) keywords(kw uint32) store.Keywords {
	if kw == 0 {
		return ""
	}
	var names []string
	for i, n := range d.names {
		if kw&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return store.KeywordsOf(names...)
}

// apply returns kw with the keywords add added and those of remove
// removed, declaring added keywords the box does not declare yet (the
// declaration becomes dirty). A box without a declaration line, or with
// maxDeclared keywords declared already, cannot take a new one.
func (d *declaration) apply(kw uint32, add, remove store.Keywords) (uint32, error) {
	for _, name := range remove.Minus(add).Names() {
		if i := d.index([]byte(name)); i >= 0 {
			kw &^= 1 << i
		}
	}
	for _, name := range add.Names() {
		i := d.index([]byte(name))
		if i < 0 {
			switch {
			case !d.present:
				return kw, fmt.Errorf("keyword %s: the mailbox keeps no keywords (no X-IMAP: or X-IMAPbase: line declares them)", name)
			case len(d.names) == maxDeclared:
				return kw, fmt.Errorf("keyword %s: the mailbox declares %d keywords already, the most c-client reads: %w", name, maxDeclared, store.ErrKeywordsFull)
			}
			d.names = append(d.names, name)
			d.dirty = true
			i = len(d.names) - 1
		}
		kw |= 1 << i
	}
	return kw, nil
}

// keywordsValue is the value of the X-Keywords: line of a message whose
// header is h and whose keywords are now kw: the declared keywords of
// kw in declared order, then the other words of h's X-Keywords: lines
// as they were, but for those that named a keyword the message no
// longer has. A word that no declaration named when the file was read
// is another program's tag and stays; when the session declared that
// name since, it reads as a keyword from then on, as c-client reads it
// (and as in the messages the session leaves as they are).
func (d *declaration) keywordsValue(h []byte, kw uint32) []byte {
	v := []byte{}
	for i, n := range d.names {
		if kw&(1<<i) != 0 {
			v = append(v, ' ')
			v = append(v, n...)
		}
	}
	for _, w := range headerKeywords(h) {
		i := d.index(w)
		switch {
		case i >= 0 && kw&(1<<i) != 0: // written above
		case i >= 0 && i < d.read: // a keyword the message no longer has
		default:
			v = append(v, ' ')
			v = append(v, w...)
		}
	}
	return v
}

// declRoom is the room left after the declared keywords when a
// declaration is written by a rewrite: spaces, as Dovecot pads its
// X-IMAP: line, so that the next names fit in place (inplace.go).
const declRoom = 50

// redeclare returns header h (the first message's) with the keyword list
// of its X-IMAP: or X-IMAPbase: line replaced by names, the UID validity
// and last UID kept as they are, and the line at least as long as it was
// (spaces pad it) with room more spaces after the names; ok is false
// when it has no such line.
func redeclare(h []byte, names []string, room int) ([]byte, bool) {
	for pos := 0; pos < len(h); {
		l := nextLine(h, pos)
		if isBlank(l) {
			break
		}
		if bytes.HasPrefix(l, []byte("X-IMAP:")) || bytes.HasPrefix(l, []byte("X-IMAPbase:")) {
			colon := bytes.IndexByte(l, ':') + 1
			rest := bytes.TrimLeft(l[colon:], " ")
			_, rest = digits(rest)
			rest = bytes.TrimLeft(rest, " ")
			_, rest = digits(rest)
			keep := len(l) - len(rest) // through the last UID
			out := append([]byte(nil), h[:pos+keep]...)
			for _, n := range names {
				out = append(out, ' ')
				out = append(out, n...)
			}
			end := len(out) + room
			for old := pos + len(l) - len(lineEnd(l)); len(out) < max(old, end); {
				out = append(out, ' ')
			}
			out = append(out, lineEnd(l)...)
			return append(out, h[pos+len(l):]...), true
		}
		pos += len(l)
	}
	return h, false
}

// redeclareInPlace is redeclare at h's own length: the names take the
// spaces that pad the line; ok is false when there are too few.
func redeclareInPlace(h []byte, names []string) ([]byte, bool) {
	out, ok := redeclare(h, names, 0)
	if !ok {
		return h, false
	}
	return fitPadding(out, len(h), "X-IMAP:", "X-IMAPbase:")
}

// errPeeked stops peekDeclaration's scan after the first message.
var errPeeked = errors.New("peeked")

// peekDeclaration reads the keyword declaration of the file's first
// message when the box is opened, so that KeepsKeywords can answer
// before the box is listed; the listing reads it again. What it cannot
// read leaves the box without keywords until then (the listing reports
// any error).
func (b *Box) peekDeclaration() {
	s := newScanner(io.NewSectionReader(b.f, 0, 64<<10), 0, b.path)
	s.decl = &b.decl
	_, _ = s.scanMessages(nil, true, b.nextKey, func(*scanned) error { return errPeeked })
}
