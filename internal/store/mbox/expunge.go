package mbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
)

// Expunge removes every message flagged deleted (in the file or in this
// session). It first picks up mail appended since the scan, then writes
// the remaining bytes unchanged into a new file beside the old one, fsyncs
// it, renames it over the old one and fsyncs the directory. Flags set in
// the session (SetFlags) go into the same rewrite; with nothing to
// expunge they are left to Close (doc/design/mbox.md, "Flag rewrites").
func (b *Box) Expunge(ctx context.Context) (int, error) {
	if b.mode != store.ReadWrite {
		return 0, fmt.Errorf("expunge %s: %w", b.path, store.ErrReadOnly)
	}
	if b.onlyOwnCleanAppends() {
		return 0, nil
	}
	if err := b.rescan(nil); err != nil {
		return 0, fmt.Errorf("expunge: %w", err)
	}
	n := 0
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	if err := b.rewrite(true); err != nil {
		return 0, fmt.Errorf("expunge %s: %w", b.path, err)
	}
	return n, nil
}

// rewrite replaces the file (as scanned: the caller rescans first) by a
// new one beside it, fsynced, renamed over it, the directory fsynced:
// without the messages flagged deleted when drop is set, with the status
// lines of the messages whose flags this session changed rewritten, every
// other byte copied. The new file is fcntl-locked before the rename and
// replaces the Box's file; a failure before the rename leaves the old file
// as it was. doc/design/mbox.md, "Flag rewrites".
func (b *Box) rewrite(drop bool) error {
	st, err := b.f.Stat()
	if err != nil {
		return err
	}
	dir := filepath.Dir(b.path)
	nf, err := os.CreateTemp(dir, "."+filepath.Base(b.path)+tempMark+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	tmp := nf.Name()
	fail := func(err error) error {
		nf.Close()
		os.Remove(tmp)
		return err
	}
	if err := nf.Chmod(st.Mode().Perm()); err != nil {
		return fail(err)
	}
	if err := fcntlLock(nf, syscall.F_WRLCK, b.env.LockTimeout()); err != nil {
		return fail(err)
	}
	kept, end, err := b.copyKept(nf, drop)
	if err != nil {
		return fail(err)
	}
	if err := nf.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, b.path); err != nil {
		return fail(err)
	}
	b.f.Close()
	b.f = nf
	b.msgs = kept
	b.size = end
	b.written()
	return syncDir(dir)
}

// copyKept writes the bytes of every kept message (and anything before the
// first message) to w, returning the kept messages with their new offsets.
// With drop, messages flagged deleted are not kept. Adjacent kept messages
// are copied as one run; a message whose flags the session changed gets
// its header through restatus.
func (b *Box) copyKept(w io.Writer, drop bool) ([]msg, int64, error) {
	kept := make([]msg, 0, len(b.msgs))
	var pos int64
	run := runCopy{w: w, f: b.f}
	var hdr, out []byte
	prevKept, prevEnd := false, int64(0)
	for _, m := range b.msgs {
		if prevKept && m.start > prevEnd {
			// Blank space between two messages, left where a scan of
			// the part appended since stopped (tail.go: it may hold
			// the line end without which the next From_ line would
			// continue the last line): it stays with the message
			// before it.
			if err := run.add(prevEnd, m.start); err != nil {
				return nil, 0, err
			}
			pos += m.start - prevEnd
		}
		prevEnd = m.end
		if drop && !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			prevKept = false
			continue
		}
		prevKept = true
		if len(kept) == 0 && b.msgs[0].start > 0 {
			// The blank space before the first message stays, unless
			// no message does: a file of blank space alone is no mbox.
			if err := run.add(0, b.msgs[0].start); err != nil {
				return nil, 0, err
			}
			pos = b.msgs[0].start
		}
		if len(kept) == 0 && !m.pseudo && (m.imap || b.declarationDropped(&m)) {
			// This message would become the first of the file, where
			// its X-IMAP: header would make it the hidden pseudo
			// message; a fresh pseudo message keeps it visible. Or the
			// first message, which declared the keywords, is dropped:
			// the fresh pseudo message declares them.
			if err := run.flush(); err != nil {
				return nil, 0, err
			}
			p, err := b.pseudoAt(w, pos)
			if err != nil {
				return nil, 0, err
			}
			kept = append(kept, p)
			pos = p.end
		}
		// The file's first message declares the keywords: a new one
		// goes into its X-IMAP: or X-IMAPbase: line (keywords.go).
		declaring := len(kept) == 0 && b.decl.dirty && m.start == b.msgs[0].start
		if !declaring && (!b.changed(&m) || m.pseudo) {
			if err := run.add(m.start, m.end); err != nil {
				return nil, 0, err
			}
			d := pos - m.start
			m.start += d
			m.bodyStart += d
			m.end += d
		} else {
			var err error
			if hdr, out, _, err = b.restatusMsg(&m, hdr, out, declaring, false); err != nil {
				return nil, 0, err
			}
			// The From_ line, the new header, the body.
			if err := run.add(m.start, m.hdrStart()); err != nil {
				return nil, 0, err
			}
			if err := run.flush(); err != nil {
				return nil, 0, err
			}
			if _, err := w.Write(out); err != nil {
				return nil, 0, err
			}
			if err := run.add(m.bodyStart, m.end); err != nil {
				return nil, 0, err
			}
			body := m.end - m.bodyStart
			m.start = pos
			m.bodyStart = m.hdrStart() + int64(len(out))
			m.end = m.bodyStart + body
		}
		pos = m.end
		kept = append(kept, m)
	}
	if err := run.flush(); err != nil {
		return nil, 0, err
	}
	return kept, pos, nil
}

// restatusMsg returns in out the header of m (the bytes between its
// From_ line and its body) with status lines saying its session flags and
// keywords (restatus), and with declaring (m is the file's first
// message) the box's declared keywords in its X-IMAP: or X-IMAPbase:
// line; hdr is the header as the file holds it, which must still say the
// flags read from the file. With inPlace the new header is as long as the
// old one (restatusInPlace, redeclareInPlace), and fits is false when it
// cannot be. hdr and out are buffers to reuse.
func (b *Box) restatusMsg(m *msg, hdr, out []byte, declaring, inPlace bool) (_, _ []byte, fits bool, err error) {
	hdr, fromEnd, err := b.fileHeader(m, hdr)
	if err != nil {
		return hdr, out, false, err
	}
	h := hdr
	if declaring {
		var ok bool
		if inPlace {
			h, ok = redeclareInPlace(hdr, b.decl.names)
		} else {
			h, ok = redeclare(hdr, b.decl.names, declRoom)
		}
		switch {
		case !ok && inPlace:
			return hdr, out, false, nil // no room: the rewrite says why
		case !ok:
			return hdr, out, false, fmt.Errorf("the first message at offset %d no longer declares keywords: changed by another program", m.start)
		}
	}
	if !b.changed(m) || m.pseudo {
		return hdr, append(out[:0], h...), true, nil
	}
	if inPlace {
		out, fits, err = restatusInPlace(out, h, m.flags, b.newKeywords(m, h), fromEnd)
	} else {
		out, err = restatus(out[:0], h, m.flags, b.newKeywords(m, h), fromEnd)
		fits = err == nil
	}
	if err != nil {
		return hdr, out, false, fmt.Errorf("the message at offset %d: %w", m.start, err)
	}
	return hdr, out, fits, nil
}

// newKeywords is the new value of m's X-Keywords: line (header h) when
// the session changed its keywords, else nil.
func (b *Box) newKeywords(m *msg, h []byte) []byte {
	if b.kwDiff[m.key] == 0 {
		return nil
	}
	return b.decl.keywordsValue(h, m.kw)
}

// declarationDropped reports that m is to be the first message of a
// rewritten file while the file's first message, which declares the
// box's keywords, is not kept (an expunge): the keywords need a new
// declaration, or c-client and the next listing would lose them.
func (b *Box) declarationDropped(m *msg) bool {
	return m.start != b.msgs[0].start && b.decl.present && len(b.decl.names) > 0
}

// fileHeader reads into hdr the header of m as the file holds it (the
// bytes between its From_ line and its body) and returns it with the
// From_ line's line end. The header must still say the flags read from
// the file (m.flags without the session's flagDiff): another program
// changing it behind the locks is an error.
func (b *Box) fileHeader(m *msg, hdr []byte) ([]byte, []byte, error) {
	n := m.bodyStart - m.hdrStart()
	if n > 4*maxHeaderLine {
		return hdr, nil, fmt.Errorf("the header of the message at offset %d is %d bytes: too large to rewrite", m.start, n)
	}
	hdr = slices.Grow(hdr[:0], int(n))[:n]
	if _, err := b.f.ReadAt(hdr, m.hdrStart()); err != nil {
		return hdr, nil, err
	}
	fromEnd := []byte("\n")
	if m.fromLen >= 2 {
		from := make([]byte, 2)
		if _, err := b.f.ReadAt(from, m.hdrStart()-2); err != nil {
			return hdr, nil, err
		}
		fromEnd = lineEnd(from)
	}
	if f, _ := headerFacts(hdr); f != m.flags^m.flagDiff {
		return hdr, nil, fmt.Errorf("the message at offset %d has flags %v, not the %v read before: changed by another program", m.start, f, m.flags^m.flagDiff)
	}
	return hdr, fromEnd, nil
}

// runCopy copies byte ranges of the old file f to w, adjacent ranges with
// one call.
type runCopy struct {
	w          io.Writer
	f          *os.File
	start, end int64 // the range gathered, not yet copied
}

// add appends the range [start, end) to what is to be copied.
func (r *runCopy) add(start, end int64) error {
	if start != r.end {
		if err := r.flush(); err != nil {
			return err
		}
		r.start = start
	}
	r.end = end
	return nil
}

// flush copies the range gathered.
func (r *runCopy) flush() error {
	if n := r.end - r.start; n > 0 {
		handled := false
		if dst, ok := r.w.(*os.File); ok {
			var err error
			if handled, err = copyRange(dst, r.f, r.start, n); err != nil {
				return err
			}
		}
		if !handled {
			if _, err := io.Copy(r.w, io.NewSectionReader(r.f, r.start, n)); err != nil {
				return err
			}
		}
	}
	r.start = r.end
	return nil
}

// pseudoAt writes a pseudo message in creation form to w at offset pos
// and returns its description.
func (b *Box) pseudoAt(w io.Writer, pos int64) (msg, error) {
	data := PseudoCreate(b.env)
	if len(b.decl.names) > 0 {
		data, _ = redeclare(data, b.decl.names, declRoom)
	}
	ms, err := newScanner(bytes.NewReader(data), pos, b.path).scanMessages(nil, true, b.nextKey, nil)
	if err != nil || len(ms) != 1 || !ms[0].pseudo {
		return msg{}, fmt.Errorf("pseudo message does not read back: %v", err)
	}
	if _, err := w.Write(data); err != nil {
		return msg{}, err
	}
	b.nextKey++
	return ms[0], nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// onlyOwnCleanAppends reports that an expunge has nothing to do without
// reading the file again: no message known is flagged deleted, and all
// bytes after the scanned part are our own appends, none flagged
// \Deleted (the file ends where our last append ended).
func (b *Box) onlyOwnCleanAppends() bool {
	if !b.scanned || !b.tail.known || b.appendedDeleted {
		return false
	}
	for _, m := range b.msgs {
		if !m.pseudo && (m.deleted || m.flags&store.Deleted != 0) {
			return false
		}
	}
	st, err := b.f.Stat()
	return err == nil && st.Size() == b.tail.size
}
