package mh

import (
	"context"
	"fmt"
	"sort"

	"github.com/mailsync/mailsync/internal/store"
)

// flagSeqs are the sequences that carry the flags c-client cannot keep:
// mutt's defaults for $mh_seq_replied and $mh_seq_flagged, and "draft"
// (no MH program defines one; see doc.go).
var flagSeqs = [...]struct {
	name string
	flag store.Flags
}{
	{"replied", store.Answered},
	{"flagged", store.Flagged},
	{"draft", store.Draft},
}

// unseenSeq is the sequence nmh (Unseen-Sequence), mutt ($mh_seq_unseen)
// and Claws Mail list unread messages in by default. It is only read,
// and only ever cleared of numbers (see seqChange).
const unseenSeq = "unseen"

// seqChange is what this session did to one message number: appended a
// message with these flags, removed the message (gone), or (edit)
// added and removed flags of a message that was there (SetFlags).
type seqChange struct {
	gone  bool
	flags store.Flags
	// edit: add and remove are changes to the flags the sequences give
	// the message when they are written; flags is unused.
	edit        bool
	add, remove store.Flags
}

// with returns c followed by SetFlags adding add and removing remove:
// an appended message's flags change, an edit's changes combine.
func (c seqChange) with(add, remove store.Flags) seqChange {
	if !c.edit {
		c.flags = (c.flags | add) &^ remove
		return c
	}
	c.add = (c.add | add) &^ remove
	c.remove = (c.remove | remove) &^ add
	return c
}

// inSeq says what c does to the number's membership of the sequence of
// flag: put it in (+1), take it out (-1) or leave it (0).
func (c seqChange) inSeq(flag store.Flags) int {
	switch {
	case c.gone:
		return -1
	case c.edit && c.add&flag != 0, !c.edit && c.flags&flag != 0:
		return 1
	case c.edit && c.remove&flag == 0:
		return 0
	}
	return -1
}

// leavesUnseen says whether c takes the number out of "unseen": the
// message is gone, or it was appended or set \Seen.
func (c seqChange) leavesUnseen() bool {
	return c.gone || c.edit && c.add&store.Seen != 0 || !c.edit && c.flags&store.Seen != 0
}

// seqFlags holds the flags a folder's sequences give its messages.
type seqFlags struct {
	sets [len(flagSeqs)]numSet
}

// flags returns the sequence flags of message n.
func (s *seqFlags) flags(n uint64) (f store.Flags) {
	for i, fs := range flagSeqs {
		if s.sets[i].has(n) {
			f |= fs.flag
		}
	}
	return f
}

// applySeqChanges edits a parsed sequence file for this session's
// changes, in number order (the result does not depend on it): a number
// appended is put into exactly the flag sequences of its flags; a number
// removed leaves them; a number whose flags SetFlags changed joins the
// sequences of the flags added and leaves those of the flags removed,
// and stays as it is in the others (a change another program made
// meanwhile survives). The number leaves "unseen" when the message is
// gone or was appended or set \Seen: a number we link is new, so
// whatever unseen said of it concerned a message removed behind our back,
// and a message set \Seen is read for mutt and nmh too. No number is
// ever added to "unseen" (\Seen stays in the file times, as in c-client).
func applySeqChanges(sf *seqFile, changes map[uint64]seqChange) {
	nums := make([]uint64, 0, len(changes))
	for n := range changes {
		nums = append(nums, n)
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	for _, fs := range flagSeqs {
		s, _ := sf.set(fs.name)
		for _, n := range nums {
			switch changes[n].inSeq(fs.flag) {
			case 1:
				s.add(n)
			case -1:
				s.remove(n)
			}
		}
		sf.replace(fs.name, s)
	}
	s, _ := sf.set(unseenSeq)
	for _, n := range nums {
		if changes[n].leavesUnseen() {
			s.remove(n)
		}
	}
	sf.replace(unseenSeq, s)
}

// loadSeqFlags reads the folder's sequences as this session left them
// (changes not yet written included).
func (f *Folder) loadSeqFlags(ctx context.Context) (*seqFlags, error) {
	data, err := readSeqFile(ctx, f.dir, f.env.LockTimeout())
	if err != nil {
		return nil, fmt.Errorf("MH folder %s: %w", f.dir, err)
	}
	sf := parseSeqFile(data)
	if len(f.seqChanges) > 0 {
		applySeqChanges(sf, f.seqChanges)
	}
	var out seqFlags
	for i, fs := range flagSeqs {
		out.sets[i], _ = sf.set(fs.name)
	}
	return &out, nil
}

// flushSequences writes this session's changes to .mh_sequences, once.
func (f *Folder) flushSequences() error {
	changes := f.seqChanges
	f.seqChanges = nil
	if len(changes) == 0 {
		return nil
	}
	err := updateSeqFile(f.dir, f.env.LockTimeout(), func(old []byte) []byte {
		sf := parseSeqFile(old)
		applySeqChanges(sf, changes)
		return sf.bytes()
	})
	if err != nil {
		return fmt.Errorf("MH folder %s: sequences (message flags) not saved: %w", f.dir, err)
	}
	return nil
}
