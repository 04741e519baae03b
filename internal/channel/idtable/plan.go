package idtable

// Plan is the outcome of the 3-way decision for one box
// (doc/design/behaviour.md#three-way-decision): which ids to copy each
// way, which to delete on each side, and which are kept (written to the
// msinfo unless their copy fails). Ids are numbers in the box's Table;
// every list is in byte order of the ids.
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
func (t *Table) Decide() Plan {
	var p Plan
	for _, n := range t.byteOrder() {
		switch t.marks[n] & (SideA | SideB | Last) {
		case SideA | SideB, SideA | SideB | Last:
			p.Kept = append(p.Kept, n)
		case SideA | Last:
			p.DeleteA = append(p.DeleteA, n)
		case SideA:
			p.CopyAB = append(p.CopyAB, n)
			p.Kept = append(p.Kept, n)
		case SideB | Last:
			p.DeleteB = append(p.DeleteB, n)
		case SideB:
			p.CopyBA = append(p.CopyBA, n)
			p.Kept = append(p.Kept, n)
		case Last:
			p.Forgotten++
		}
	}
	return p
}

// GoneFrom reports whether id n is to be deleted from the side with mark
// side: that side has it, the other does not, and the last state has it.
func (t *Table) GoneFrom(n int32, side Mark) bool {
	return t.marks[n]&(SideA|SideB|Last) == side|Last
}
