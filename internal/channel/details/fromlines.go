package details

import (
	"sort"

	"github.com/mailsync/mailsync/internal/header"
)

// fromHeads keeps, for some messages of a box, the header lines their
// from part is made of (header.AppendSelect of From and Subject), packed in blocks of 64 KB: no
// allocation per message, no copy as it grows.
type fromHeads struct {
	blocks [][]byte
	refs   []headRef // by increasing message index
}

// headRef locates the lines of message i: blocks[blk][off:end].
type headRef struct {
	i, blk   int32
	off, end uint32
}

const headBlock = 64 << 10

// add keeps the from-part lines of message i's header. Messages are added
// in increasing index order.
func (h *fromHeads) add(i int, hdr []byte) {
	n := len(h.blocks) - 1
	if n < 0 || len(h.blocks[n])+len(hdr) > cap(h.blocks[n]) {
		// A new block; one for this header alone if it is large (the
		// lines kept are at most the header).
		h.blocks = append(h.blocks, make([]byte, 0, max(headBlock, len(hdr))))
		n++
	}
	b := h.blocks[n]
	off := len(b)
	b = header.AppendSelect(b, hdr, "From", "Subject")
	h.blocks[n] = b
	h.refs = append(h.refs, headRef{i: int32(i), blk: int32(n), off: uint32(off), end: uint32(len(b))})
}

// get returns the lines kept of message i (nil if none were).
func (h *fromHeads) get(i int) []byte {
	k := sort.Search(len(h.refs), func(k int) bool { return h.refs[k].i >= int32(i) })
	if k == len(h.refs) || h.refs[k].i != int32(i) {
		return nil
	}
	r := h.refs[k]
	return h.blocks[r.blk][r.off:r.end]
}
