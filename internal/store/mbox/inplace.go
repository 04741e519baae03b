package mbox

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Flag changes in place (doc/design/mbox.md, "Flag changes in place").
// c-client, Dovecot and our appends for flags sync pad the X-Keywords:
// line with spaces, so that new status lines fit in the bytes the old
// ones and the padding held. When every changed message of a session
// fits so, Close writes each message's change with one write inside one
// block of the file instead of rewriting the file.

// inPlaceBlock is the unit a change in place stays within: one page of
// the page cache and one block of the file system. A write inside it is
// not split by a kill (the kernel copies it in one piece) and reaches
// the disk as one block, so after a crash each message reads as before
// or after its change, never as a mixture.
const inPlaceBlock = 4096

// inPlaceEdit is one message's change as written in place: data at off
// (replacing was, when the change crosses a block boundary: the flag
// journal names it, flagjournal.go).
type inPlaceEdit struct {
	off       int64
	data, was []byte
}

// restatusInPlace returns in out the header h (as restatus takes it:
// header lines and the blank line that ends them) with status lines
// saying flags f (and, with kw, X-Keywords: saying kw), at h's own length: the trailing spaces of the one
// X-Keywords: line give or take the difference. ok is false when h has
// no such line, too few spaces, or no blank line as its last line and
// only there (the header as the scan found it).
func restatusInPlace(out, h []byte, f store.Flags, kw, fromEnd []byte) ([]byte, bool, error) {
	kwLines, blankAt := 0, -1
	for pos := 0; pos < len(h); {
		l := nextLine(h, pos)
		if isBlank(l) {
			blankAt = pos
			break
		}
		if bytes.HasPrefix(l, []byte("X-Keywords:")) {
			kwLines++
		}
		pos += len(l)
	}
	if kwLines != 1 || blankAt < 0 || blankAt+len(nextLine(h, blankAt)) != len(h) {
		return out, false, nil
	}
	out, err := restatus(out[:0], h, f, kw, fromEnd)
	if err != nil {
		return out, false, err
	}
	wantKw := headerKeywords(out)
	var ok bool
	if out, ok = fitPadding(out, len(h), "X-Keywords:"); !ok {
		return out, false, nil
	}
	gotF, gotSize := headerFacts(out)
	_, oldSize := headerFacts(h)
	if gotF != f || gotSize != oldSize || !slices.EqualFunc(headerKeywords(out), wantKw, bytes.Equal) {
		return out, false, fmt.Errorf("status lines written in place read back as flags %v and size %d, want %v and %d, or changed the keywords", gotF, gotSize, f, oldSize)
	}
	return out, true, nil
}

// fitPadding makes header out want bytes long by taking spaces from, or
// giving them to, the end of its first line that starts with one of
// prefixes: the padding c-client and Dovecot leave there for changes in
// place. ok is false when it has no such line or too few spaces.
func fitPadding(out []byte, want int, prefixes ...string) ([]byte, bool) {
	at, end := -1, -1
	for pos := 0; pos < len(out) && at < 0; {
		l := nextLine(out, pos)
		for _, p := range prefixes {
			if bytes.HasPrefix(l, []byte(p)) {
				at, end = pos, pos+len(l)
			}
		}
		pos += len(l)
	}
	if at < 0 {
		return out, false
	}
	line := out[at:end]
	eol := len(line) - len(lineEnd(line))
	spaces := eol - len(bytes.TrimRight(line[:eol], " "))
	switch delta := len(out) - want; {
	case delta > spaces:
		return out, false
	case delta > 0:
		out = slices.Delete(out, at+eol-delta, at+eol)
	case delta < 0:
		out = slices.Insert(out, at+eol, bytes.Repeat([]byte(" "), -delta)...)
	}
	return out, true
}

// headerKeywords are the keywords of header h as the scanner reads them.
func headerKeywords(h []byte) [][]byte {
	hs := newHdrState()
	for pos := 0; pos < len(h); {
		l := nextLine(h, pos)
		pos += len(l)
		if isBlank(l) {
			break
		}
		hs.line(l)
	}
	return hs.keywords
}

// inPlaceChange is the write that turns old into new (same length) at
// file offset base: the bytes from the first that differs to the last.
// crosses tells that they do not lie within one inPlaceBlock; was is
// then what they replace, for the flag journal (flagjournal.go).
func inPlaceChange(base int64, old, new []byte) (e inPlaceEdit, crosses bool) {
	i := 0
	for i < len(old) && old[i] == new[i] {
		i++
	}
	if i == len(old) {
		return inPlaceEdit{off: base}, false
	}
	j := len(old) - 1
	for old[j] == new[j] {
		j--
	}
	first, last := base+int64(i), base+int64(j)
	e = inPlaceEdit{off: first, data: slices.Clone(new[i : j+1])}
	if first/inPlaceBlock != last/inPlaceBlock {
		e.was = slices.Clone(old[i : j+1])
		return e, true
	}
	return e, false
}

// inPlaceWriter returns the descriptor that writes in place, opened the
// first time. b.f appends (O_APPEND), so the writes go through a second
// descriptor of the same file, held under the same locks. It stays open
// until Close has closed b.f: closing any descriptor of a file drops the
// process's fcntl locks on it (POSIX), which must last to the end.
func (b *Box) inPlaceWriter() (*os.File, error) {
	if b.writer == nil {
		w, err := os.OpenFile(b.path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		b.writer = w
	}
	return b.writer, nil
}

// writeFlagsInPlace writes the flags set in the session into the status
// lines of their messages, in place, when every changed message has the
// room (restatusInPlace, inPlaceChange); wrote is false, and nothing is
// written, when one has not. The writes are synced before it returns.
func (b *Box) writeFlagsInPlace() (wrote bool, err error) {
	st, err := b.f.Stat()
	if err != nil {
		return false, err
	}
	if st.Size() < b.size {
		return false, fmt.Errorf("file shrank from %d to %d bytes: changed by another program", b.size, st.Size())
	}
	var edits []inPlaceEdit
	var crossing []inPlaceEdit
	var hdr, out []byte
	for i := range b.msgs {
		m := &b.msgs[i]
		// The file's first message declares the keywords: names the
		// session added take the padding of its declaration line.
		declaring := i == 0 && b.decl.dirty
		if !declaring && !b.changed(m) {
			continue
		}
		if m.hdrOpen {
			return false, nil
		}
		var fits bool
		if hdr, out, fits, err = b.restatusMsg(m, hdr, out, declaring, true); err != nil || !fits {
			return false, err
		}
		e, crosses := inPlaceChange(m.hdrStart(), hdr, out)
		if crosses {
			crossing = append(crossing, e)
		}
		edits = append(edits, e)
	}
	if b.decl.dirty && len(edits) == 0 {
		return false, nil // no message to declare in
	}
	w, err := b.inPlaceWriter()
	if err != nil {
		return false, err
	}
	if wst, err := w.Stat(); err != nil || !os.SameFile(st, wst) {
		return false, fmt.Errorf("the file was replaced by another program")
	}
	if len(crossing) > 0 {
		// Changes across a block boundary: journaled first, or the
		// file is rewritten (flagjournal.go).
		sig, ok := filesig.Of(st)
		if !ok {
			return false, nil
		}
		if err := b.journalFlags(sig, crossing); err != nil {
			b.writeLock(nil)
			return false, nil
		}
	}
	for _, e := range edits {
		if _, err := w.WriteAt(e.data, e.off); err != nil {
			return true, err
		}
	}
	if err := w.Sync(); err != nil {
		return true, err
	}
	if len(crossing) > 0 {
		b.writeLock(nil) // done: the journal is not needed any more
	}
	b.written()
	return true, nil
}
