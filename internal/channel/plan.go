package channel

import "sort"

// Plan is the outcome of the 3-way decision for one box (spec 5.3): which
// ids to copy each way, which to delete on each side, and which are kept
// (written to the msinfo unless their copy fails).
type Plan struct {
	CopyAB    []string // in A only and new: copy A→B
	CopyBA    []string // in B only and new: copy B→A
	DeleteA   []string // in A and in the last state, gone from B: delete from A
	DeleteB   []string // in B and in the last state, gone from A: delete from B
	Kept      []string // ids that remain after the sync
	Forgotten int      // ids gone from both sides
}

// Decide computes the plan for one box from the id sets of both sides and
// the ids recorded after the last sync. All lists are in byte order.
func Decide(a, b, last map[string]bool) Plan {
	var p Plan
	for id := range a {
		switch {
		case b[id]:
			p.Kept = append(p.Kept, id)
		case last[id]:
			p.DeleteA = append(p.DeleteA, id)
		default:
			p.CopyAB = append(p.CopyAB, id)
			p.Kept = append(p.Kept, id)
		}
	}
	for id := range b {
		if a[id] {
			continue
		}
		if last[id] {
			p.DeleteB = append(p.DeleteB, id)
		} else {
			p.CopyBA = append(p.CopyBA, id)
			p.Kept = append(p.Kept, id)
		}
	}
	for id := range last {
		if !a[id] && !b[id] {
			p.Forgotten++
		}
	}
	for _, s := range [][]string{p.CopyAB, p.CopyBA, p.DeleteA, p.DeleteB, p.Kept} {
		sort.Strings(s)
	}
	return p
}
