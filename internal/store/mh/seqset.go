package mh

import (
	"sort"
	"strconv"
	"strings"
)

// maxSeqNum bounds the message numbers read from a sequence file; a
// larger one is a malformed token. It keeps span arithmetic (hi+1) from
// overflowing.
const maxSeqNum = 1 << 62

// span is the closed range of message numbers lo..hi.
type span struct{ lo, hi uint64 }

// numSet is a set of message numbers: sorted, disjoint spans, no two of
// them adjacent. Sequences such as "1-40000" stay one span.
type numSet []span

// parseNumSet reads the value of a sequence: message numbers and ranges
// "lo-hi" separated by white space (continuation lines included). It
// returns the set and how many tokens it could not read (not a number,
// lo > hi, 0, or above maxSeqNum); those are ignored.
func parseNumSet(value string) (numSet, int) {
	var spans []span
	bad := 0
	for _, tok := range strings.Fields(value) {
		lo, hi, ok := parseRange(tok)
		if !ok {
			bad++
			continue
		}
		spans = append(spans, span{lo, hi})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	var s numSet
	for _, sp := range spans {
		if n := len(s); n > 0 && sp.lo <= s[n-1].hi+1 {
			s[n-1].hi = max(s[n-1].hi, sp.hi)
			continue
		}
		s = append(s, sp)
	}
	return s, bad
}

// parseRange reads "N" or "LO-HI".
func parseRange(tok string) (lo, hi uint64, ok bool) {
	a, b, isRange := strings.Cut(tok, "-")
	lo, ok = parseSeqNum(a)
	if !ok {
		return 0, 0, false
	}
	if !isRange {
		return lo, lo, true
	}
	hi, ok = parseSeqNum(b)
	if !ok || hi < lo {
		return 0, 0, false
	}
	return lo, hi, true
}

func parseSeqNum(s string) (uint64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || n > maxSeqNum {
		return 0, false
	}
	return n, true
}

// find returns the index of the first span ending at or after n.
func (s numSet) find(n uint64) int {
	return sort.Search(len(s), func(i int) bool { return s[i].hi >= n })
}

// has reports whether n is in the set.
func (s numSet) has(n uint64) bool {
	i := s.find(n)
	return i < len(s) && s[i].lo <= n
}

// add puts n into the set.
func (s *numSet) add(n uint64) {
	t := *s
	i := t.find(n)
	if i < len(t) && t[i].lo <= n {
		return
	}
	left := i > 0 && t[i-1].hi+1 == n
	right := i < len(t) && t[i].lo == n+1
	switch {
	case left && right:
		t[i-1].hi = t[i].hi
		t = append(t[:i], t[i+1:]...)
	case left:
		t[i-1].hi = n
	case right:
		t[i].lo = n
	default:
		t = append(t, span{})
		copy(t[i+1:], t[i:])
		t[i] = span{n, n}
	}
	*s = t
}

// remove takes n out of the set.
func (s *numSet) remove(n uint64) {
	t := *s
	i := t.find(n)
	if i == len(t) || t[i].lo > n {
		return
	}
	sp := t[i]
	switch {
	case sp.lo == sp.hi:
		t = append(t[:i], t[i+1:]...)
	case n == sp.lo:
		t[i].lo++
	case n == sp.hi:
		t[i].hi--
	default:
		t = append(t, span{})
		copy(t[i+2:], t[i+1:])
		t[i] = span{sp.lo, n - 1}
		t[i+1] = span{n + 1, sp.hi}
	}
	*s = t
}

// equal reports whether s and t hold the same numbers.
func (s numSet) equal(t numSet) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// String formats the set the way nmh and mutt write a sequence: numbers
// and "lo-hi" ranges, ascending, separated by single spaces.
func (s numSet) String() string {
	var b strings.Builder
	for i, sp := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(sp.lo, 10))
		if sp.hi > sp.lo {
			b.WriteByte('-')
			b.WriteString(strconv.FormatUint(sp.hi, 10))
		}
	}
	return b.String()
}
