package channel

import "hash/maphash"

// firstIndex finds the first message of a box with a given id. It is an
// open-addressing hash table of message indexes into the box's id list
// (passed to every call): 4 bytes a slot, at most half of the slots
// used, where a map from id string to index costs about 30 bytes an
// entry. A box of 50,000 messages needs 512 KB.
type firstIndex struct {
	slots []int32 // message index + 1 of a first occurrence; 0 = free
	n     int     // used slots: the number of distinct ids
	seed  maphash.Seed
}

func newFirstIndex() *firstIndex { return &firstIndex{seed: maphash.MakeSeed()} }

// find returns the slot of id: the one holding it, or the free slot
// where it would go.
func (f *firstIndex) find(ids []string, id string) int {
	mask := len(f.slots) - 1
	k := int(maphash.String(f.seed, id)) & mask
	for {
		s := f.slots[k]
		if s == 0 || ids[s-1] == id {
			return k
		}
		k = (k + 1) & mask
	}
}

// lookup returns the index of the first message with id.
func (f *firstIndex) lookup(ids []string, id string) (int, bool) {
	if f.n == 0 {
		return 0, false
	}
	s := f.slots[f.find(ids, id)]
	return int(s) - 1, s != 0
}

// insert records message i, whose id ids[i] is not in the table yet, as
// its first occurrence.
func (f *firstIndex) insert(ids []string, i int) {
	if 2*(f.n+1) > len(f.slots) {
		f.grow(ids)
	}
	f.slots[f.find(ids, ids[i])] = int32(i + 1)
	f.n++
}

// grow doubles the table (16 slots at first) and puts every entry back.
func (f *firstIndex) grow(ids []string) {
	old := f.slots
	f.slots = make([]int32, max(16, 2*len(old)))
	for _, s := range old {
		if s != 0 {
			f.slots[f.find(ids, ids[s-1])] = s
		}
	}
}

// each calls fn with every distinct id, in no particular order.
func (f *firstIndex) each(ids []string, fn func(id string)) {
	for _, s := range f.slots {
		if s != 0 {
			fn(ids[s-1])
		}
	}
}
