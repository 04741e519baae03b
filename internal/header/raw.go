package header

import (
	"bytes"
	"unsafe"
)

// unsafeString views b as a string without copying; the caller must not
// keep it beyond b's lifetime or change b meanwhile.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// eachRaw calls fn with the raw bytes of each logical header line, split
// exactly as lines splits them (a line break not followed by a space or
// tab ends a logical line, so does a NUL byte; an empty line ends the
// header), until fn returns false. Parsing a piece alone (parseRaw) gives
// the line lines gives for it.
func eachRaw(hdr []byte, fn func(raw []byte) bool) {
	i, n := 0, len(hdr)
	for i < n && hdr[i] != '\n' && !(hdr[i] == '\r' && i+1 < n && hdr[i+1] == '\n') {
		start := i
		for i < n {
			j := indexLFOrNUL(hdr[i:])
			if j < 0 {
				i = n
				break
			}
			i += j + 1
			if hdr[i-1] == 0 || i >= n || (hdr[i] != ' ' && hdr[i] != '\t') {
				break
			}
		}
		if !fn(hdr[start:i]) {
			return
		}
	}
}

// indexLFOrNUL is bytes.IndexAny(b, "\n\x00") with two byte searches
// (IndexAny builds a set for every call, which costs more than it finds
// in a short header line).
func indexLFOrNUL(b []byte) int {
	j := bytes.IndexByte(b, '\n')
	before := b
	if j >= 0 {
		before = b[:j]
	}
	if z := bytes.IndexByte(before, 0); z >= 0 {
		return z
	}
	return j
}

// parseRaw is lines' work on one piece eachRaw delivered.
func parseRaw(raw []byte) (line, bool) {
	return splitLine(unfold(make([]byte, 0, len(raw)), raw))
}

// unfold appends to dst the logical line raw as lines builds it: every CR
// dropped, a final line break or NUL dropped, the breaks of folded lines
// removed (the space or tab after them stays), tabs made spaces.
//
// The bytes between two of CR, LF, NUL and tab are appended in one go.
func unfold(dst, raw []byte) []byte {
	start := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c > '\r' || c != '\r' && c != '\n' && c != 0 && c != '\t' {
			continue
		}
		dst = append(dst, raw[start:i]...)
		start = i + 1
		switch c {
		case '\n':
			if i+1 >= len(raw) {
				return dst
			}
		case 0:
			return dst
		case '\t':
			dst = append(dst, ' ')
		}
	}
	return append(dst, raw[start:]...)
}

// hasBreakOrTab reports whether b holds a CR, LF or tab (a field name
// that does must be unfolded before it is read).
func hasBreakOrTab(b []byte) bool {
	for _, c := range b {
		if c == '\r' || c == '\n' || c == '\t' {
			return true
		}
	}
	return false
}

// AppendValue appends to dst the value of the first field name of hdr as
// Get returns it and reports whether there is one; it allocates nothing
// but dst's growth (message identity runs it for every message).
func AppendValue(dst, hdr []byte, name string) ([]byte, bool) {
	base, found := len(dst), false
	eachRaw(hdr, func(raw []byte) bool {
		if otherFirst(raw[0], name) || !rawNameIs(raw, name) {
			return true
		}
		colon := bytes.IndexByte(raw, ':') // rawNameIs saw it
		var v []byte
		if hasBreakOrTab(raw[:colon]) {
			dst = unfold(dst, raw)
			v = dst[base:]
			v = v[bytes.IndexByte(v, ':')+1:]
		} else {
			// The name unfolds to itself (it holds no NUL either: a
			// NUL ends raw): only the value is unfolded.
			dst = unfold(dst, raw[colon+1:])
			v = dst[base:]
		}
		for len(v) > 0 && v[0] == ' ' {
			v = v[1:]
		}
		dst = append(dst[:base], v...)
		found = true
		return false
	})
	return dst, found
}

// otherFirst reports whether a logical line starting with c cannot have
// the field name name: c is a letter or digit (which no unfolding or
// trimming changes) that differs from name's first byte in any case. It
// spares AppendValue the colon search of most lines.
func otherFirst(c byte, name string) bool {
	upper := func(b byte) byte {
		if 'a' <= b && b <= 'z' {
			return b - ('a' - 'A')
		}
		return b
	}
	u := upper(c)
	if !('A' <= u && u <= 'Z' || '0' <= u && u <= '9') || name == "" {
		return false
	}
	return u != upper(name[0])
}

// rawNameIs reports whether the logical line raw has the field name name
// (case-insensitive), without building the line when it can tell.
func rawNameIs(raw []byte, name string) bool {
	n, ok := rawName(raw)
	return ok && sameName(n, name)
}

// rawName returns the field name of the logical line raw as lines has it
// (false for a line lines drops), building the line only when the name
// is folded or holds a CR or tab.
func rawName(raw []byte) (string, bool) {
	colon := bytes.IndexByte(raw, ':')
	if colon < 0 {
		return "", false // no ':': lines drops it
	}
	n := raw[:colon]
	if hasBreakOrTab(n) {
		l, ok := parseRaw(raw) // the slow way
		return l.name, ok
	}
	for len(n) > 0 && n[len(n)-1] == ' ' {
		n = n[:len(n)-1]
	}
	return unsafeString(n), true
}

// Select returns the header section reduced to the logical lines of the
// named fields (with ">From" when "From" is named, as the From address
// list takes those too, and EnvelopeSenderField, which the sender column
// takes instead), in order, ending with an empty line: every
// function of this package returns for the named fields of the result
// what it returns for them on hdr.
func Select(hdr []byte, names []string) []byte {
	out := AppendSelect(nil, hdr, names...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, '\n')
}

// AppendSelect appends to dst the raw logical lines of hdr that Select
// keeps, without Select's final line break and empty line. A kept line
// never starts with a space or tab (its name would), so kept lines never
// fold into each other, whatever was between them.
func AppendSelect(dst, hdr []byte, names ...string) []byte {
	eachRaw(hdr, func(raw []byte) bool {
		n, ok := rawName(raw)
		for _, name := range names {
			if ok && (sameName(n, name) || name == "From" && (sameName(n, ">From") || sameName(n, EnvelopeSenderField))) {
				dst = append(dst, raw...)
				break
			}
		}
		return true
	})
	return dst
}
