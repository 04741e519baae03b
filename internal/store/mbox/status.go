package mbox

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/mailsync/mailsync/internal/store"
)

// The status lines of a message whose flags a session changed
// (doc/design/mbox.md, "Flag rewrites").

// statusValue is the value of c-client's Status: line for flags f
// (unix_xstatus): R when seen, then O unless the message is recent.
func statusValue(dst []byte, f store.Flags) []byte {
	if f&store.Seen != 0 {
		dst = append(dst, 'R')
	}
	if f&store.Recent == 0 {
		dst = append(dst, 'O')
	}
	return dst
}

// xstatusValue is the value of c-client's X-Status: line for flags f:
// D, F, A, T in that order.
func xstatusValue(dst []byte, f store.Flags) []byte {
	for _, x := range []struct {
		f store.Flags
		c byte
	}{{store.Deleted, 'D'}, {store.Flagged, 'F'}, {store.Answered, 'A'}, {store.Draft, 'T'}} {
		if f&x.f != 0 {
			dst = append(dst, x.c)
		}
	}
	return dst
}

// statusRoom is the length c-client pads a status block to (unix_xstatus,
// without X-IMAPbase): from "Status:" to the end of the X-Keywords: line,
// its line end excluded. The padding is the room for flag changes in
// place (doc/design/mbox.md, "Flag changes in place").
const statusRoom = 50

// appendStatusBlock appends the status block of an appended message
// with flags f, as c-client's append writes it: "Status: " and R when
// seen (no O: the message is new), "X-Status: " and D/F/A/T, and an
// empty "X-Keywords:", which with room is padded to statusRoom.
func appendStatusBlock(dst []byte, f store.Flags, room bool) []byte {
	start := len(dst)
	dst = append(dst, "Status: "...)
	if f&store.Seen != 0 {
		dst = append(dst, 'R')
	}
	dst = append(dst, "\nX-Status: "...)
	dst = xstatusValue(dst, f)
	dst = append(dst, "\nX-Keywords:"...)
	for room && len(dst)-start < statusRoom {
		dst = append(dst, ' ')
	}
	return append(dst, '\n')
}

// lineEnd is the line end of a raw line: "\r\n", "\n" or "" (a last line
// cut short by the end of the file).
func lineEnd(l []byte) []byte {
	switch {
	case bytes.HasSuffix(l, []byte("\r\n")):
		return l[len(l)-2:]
	case bytes.HasSuffix(l, []byte("\n")):
		return l[len(l)-1:]
	}
	return nil
}

// nextLine returns the raw line of h starting at pos (with its line end).
func nextLine(h []byte, pos int) []byte {
	if i := indexLF(h[pos:]); i >= 0 {
		return h[pos : pos+i+1]
	}
	return h[pos:]
}

// isCont reports a continuation line (it starts with a space or a tab).
func isCont(l []byte) bool { return len(l) > 0 && (l[0] == ' ' || l[0] == '\t') }

// restatus appends to dst the header h (the bytes between a message's
// From_ line and its body: its header lines and the blank line that ends
// them, if any) with its status lines saying flags f, in the bytes
// c-client writes (unix_xstatus): every "Status:" line becomes
// "Status: " + R/O, every "X-Status:" line "X-Status: " + D/F/A/T, each
// keeping its line end. A missing one is added before the blank line
// (Status: first), as c-client and mutt place them; a header without a
// blank line (the file ends inside it) gets them at its end when that
// ends with a line end, else before the field of its unfinished last
// line. fromEnd is the From_ line's line end, used for added lines when
// the place they go has none. Every other byte is kept: X-Keywords:,
// X-UID:, the header lines, CRs.
//
// The result is checked: it must read back (hdrState) as flags f with
// the same message size as h (and the words of kw as its keywords),
// else restatus fails and the file is not rewritten.
func restatus(dst, h []byte, f store.Flags, kw, fromEnd []byte) ([]byte, error) {
	haveSt, haveX, haveKw := false, false, kw == nil
	ins, field := -1, 0
	for pos := 0; pos < len(h); {
		l := nextLine(h, pos)
		switch {
		case isBlank(l):
			ins = pos
		case bytes.HasPrefix(l, []byte("Status:")):
			haveSt = true
		case bytes.HasPrefix(l, []byte("X-Status:")):
			haveX = true
		case bytes.HasPrefix(l, []byte("X-Keywords:")):
			haveKw = true
		}
		if ins >= 0 {
			break
		}
		if !isCont(l) {
			field = pos
		}
		pos += len(l)
	}
	if ins < 0 {
		if len(h) == 0 || h[len(h)-1] == '\n' {
			ins = len(h)
		} else if isCont(h[field:]) {
			return dst, fmt.Errorf("no place for the status lines in a header that starts with a continuation line and has no end")
		} else {
			ins = field
		}
	}
	eol := fromEnd
	if ins < len(h) {
		if e := lineEnd(nextLine(h, ins)); e != nil {
			eol = e
		}
	}
	start := len(dst)
	add := func() {
		if !haveSt {
			dst = append(dst, "Status: "...)
			dst = statusValue(dst, f)
			dst = append(dst, eol...)
		}
		if !haveX {
			dst = append(dst, "X-Status: "...)
			dst = xstatusValue(dst, f)
			dst = append(dst, eol...)
		}
		if !haveKw {
			dst = append(dst, "X-Keywords:"...)
			dst = append(dst, kw...)
			dst = append(dst, eol...)
		}
	}
	kwDone := false
	for pos := 0; pos < len(h); {
		if pos == ins {
			add()
		}
		l := nextLine(h, pos)
		pos += len(l)
		switch {
		case bytes.HasPrefix(l, []byte("Status:")):
			dst = append(dst, "Status: "...)
			dst = statusValue(dst, f)
			dst = append(dst, lineEnd(l)...)
		case bytes.HasPrefix(l, []byte("X-Status:")):
			dst = append(dst, "X-Status: "...)
			dst = xstatusValue(dst, f)
			dst = append(dst, lineEnd(l)...)
		case kw != nil && bytes.HasPrefix(l, []byte("X-Keywords:")):
			if !kwDone {
				// The padding stays: a shorter line is padded to the
				// old one's length, the room for changes in place.
				lineStart := len(dst)
				dst = append(dst, "X-Keywords:"...)
				dst = append(dst, kw...)
				for old := len(l) - len(lineEnd(l)); len(dst)-lineStart < old; {
					dst = append(dst, ' ')
				}
				dst = append(dst, lineEnd(l)...)
				kwDone = true
			}
		default:
			dst = append(dst, l...)
		}
	}
	if ins == len(h) {
		add()
	}
	gotF, gotSize := headerFacts(dst[start:])
	_, oldSize := headerFacts(h)
	if gotF != f || gotSize != oldSize {
		return dst, fmt.Errorf("rewritten status lines read back as flags %v and size %d, want %v and %d", gotF, gotSize, f, oldSize)
	}
	if got := headerKeywords(dst[start:]); kw != nil && !slices.EqualFunc(got, bytes.Fields(kw), bytes.Equal) {
		return dst, fmt.Errorf("rewritten X-Keywords: line reads back as %q, want %q", bytes.Join(got, []byte(" ")), bytes.TrimSpace(kw))
	}
	return dst, nil
}

// headerFacts reads a header as the scanner does: its flags (Recent when
// no O) and the part of the message size its lines make.
func headerFacts(h []byte) (store.Flags, int64) {
	hs := newHdrState()
	var size int64
	for pos := 0; pos < len(h); {
		l := nextLine(h, pos)
		pos += len(l)
		if hs.line(l) {
			size += crlfLen(l)
		}
		if isBlank(l) {
			break
		}
	}
	f := hs.flags
	if !hs.old {
		f |= store.Recent
	}
	return f, size
}
