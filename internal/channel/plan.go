package channel

// Plan is the outcome of the 3-way decision for one box (spec 5.3): which
// ids to copy each way, which to delete on each side, and which are kept
// (written to the msinfo unless their copy fails). Ids are numbers in the
// box's idTable; every list is in byte order of the ids.
type Plan struct {
	CopyAB    []int32 // in A only and new: copy A→B
	CopyBA    []int32 // in B only and new: copy B→A
	DeleteA   []int32 // in A and in the last state, gone from B: delete from A
	DeleteB   []int32 // in B and in the last state, gone from A: delete from B
	Kept      []int32 // ids that remain after the sync
	Forgotten int     // ids gone from both sides
}

// Decide computes the plan for one box from the marks of its ids: which
// side has each, and whether the last sync recorded it.
func Decide(t *idTable) Plan {
	var p Plan
	for _, n := range t.byteOrder() {
		switch t.marks[n] & (markA | markB | markLast) {
		case markA | markB, markA | markB | markLast:
			p.Kept = append(p.Kept, n)
		case markA | markLast:
			p.DeleteA = append(p.DeleteA, n)
		case markA:
			p.CopyAB = append(p.CopyAB, n)
			p.Kept = append(p.Kept, n)
		case markB | markLast:
			p.DeleteB = append(p.DeleteB, n)
		case markB:
			p.CopyBA = append(p.CopyBA, n)
			p.Kept = append(p.Kept, n)
		case markLast:
			p.Forgotten++
		}
	}
	return p
}

// goneFrom reports whether id n is to be deleted from the side with mark
// side: that side has it, the other does not, and the last state has it.
func (t *idTable) goneFrom(n int32, side uint8) bool {
	return t.marks[n]&(markA|markB|markLast) == side|markLast
}
