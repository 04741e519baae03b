package mbox

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

// The flag journal (doc/design/mbox.md, "Changes across a block
// boundary"). A change in place inside one block of the file cannot be
// left half-written; one whose bytes cross a block boundary can: the
// kernel stops a write between two pages for a kill, and a disk writes
// blocks one by one. Before such changes are written, the box's dotlock
// says what they are, after the pid line:
//
//	flags-in-place DEV INO
//	edit OFFSET OLDHEX NEWHEX
//	...
//
// synced with its directory. Once the changes are written and synced the
// lock says the pid alone again. A mailsync that takes the lock over from
// a killed one finishes the changes (finishFlagJournal): where a change's
// bytes are each the old or the new ones, the new ones are written. Bytes
// that are neither mean another program changed the file since, and the
// journal is not applied there.

// flagJournalMark starts the journal's first line.
const flagJournalMark = "flags-in-place "

// appendFlagJournal appends the journal lines for edits of the file
// with signature sig.
func appendFlagJournal(buf []byte, sig filesig.Sig, edits []inPlaceEdit) []byte {
	buf = fmt.Appendf(buf, "%s%d %d\n", flagJournalMark, sig.Dev, sig.Ino)
	for _, e := range edits {
		buf = fmt.Appendf(buf, "edit %d %x %x\n", e.off, e.was, e.data)
	}
	return buf
}

// parseFlagJournal reads the journal of a dotlock's content; ok is
// false when it has none or a line of it is damaged.
func parseFlagJournal(content []byte) (dev, ino uint64, edits []inPlaceEdit, ok bool) {
	_, rest, _ := bytes.Cut(content, []byte("\n"))
	lines := strings.Split(strings.TrimRight(string(rest), "\n"), "\n")
	head, found := strings.CutPrefix(lines[0], flagJournalMark)
	if !found {
		return 0, 0, nil, false
	}
	if _, err := fmt.Sscanf(head, "%d %d", &dev, &ino); err != nil {
		return 0, 0, nil, false
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != 4 || f[0] != "edit" {
			return 0, 0, nil, false
		}
		off, err := strconv.ParseInt(f[1], 10, 64)
		old, err1 := hex.DecodeString(f[2])
		new, err2 := hex.DecodeString(f[3])
		if err != nil || err1 != nil || err2 != nil || off < 0 || len(old) != len(new) || len(old) == 0 {
			return 0, 0, nil, false
		}
		edits = append(edits, inPlaceEdit{off: off, was: old, data: new})
	}
	return dev, ino, edits, true
}

// journalFlags writes the journal of edits into this Box's dotlock and
// syncs it and its directory: it must outlast a crash before any of
// them is written.
func (b *Box) journalFlags(sig filesig.Sig, edits []inPlaceEdit) error {
	if b.lock == "" {
		return fmt.Errorf("no dotlock to journal in")
	}
	if err := b.writeLock(appendFlagJournal(nil, sig, edits)); err != nil {
		return err
	}
	if err := b.lockFile.Sync(); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(b.lock))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// finishFlagJournal applies the journal a killed mailsync left in its
// dotlock (content), when it is about this very file: each change whose
// bytes are now a mixture of its old and new ones is written whole.
func (b *Box) finishFlagJournal(content []byte) error {
	dev, ino, edits, ok := parseFlagJournal(content)
	if !ok {
		return nil
	}
	st, err := b.f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", b.path, err)
	}
	if sig, ok := filesig.Of(st); !ok || sig.Dev != dev || sig.Ino != ino {
		return nil // the file was replaced since
	}
	var todo []inPlaceEdit
	for _, e := range edits {
		now := make([]byte, len(e.data))
		if n, _ := b.f.ReadAt(now, e.off); n == len(now) && !bytes.Equal(now, e.data) && mixture(now, e.was, e.data) {
			todo = append(todo, e)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	w, err := b.inPlaceWriter()
	if err != nil {
		return fmt.Errorf("finish the flag changes a killed mailsync left in %s: %w", b.path, err)
	}
	for _, e := range todo {
		if _, err := w.WriteAt(e.data, e.off); err != nil {
			return fmt.Errorf("finish the flag changes a killed mailsync left in %s: %w", b.path, err)
		}
	}
	if err := w.Sync(); err != nil {
		return fmt.Errorf("finish the flag changes a killed mailsync left in %s: %w", b.path, err)
	}
	b.env.Tell(store.FlagsFinished{Path: b.path, Messages: len(todo)})
	return nil
}

// mixture reports whether each byte of now is the one of old or of new
// at its place.
func mixture(now, old, new []byte) bool {
	for i, c := range now {
		if c != old[i] && c != new[i] {
			return false
		}
	}
	return true
}
