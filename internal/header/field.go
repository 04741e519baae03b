package header

// line is one logical header line after c-client's unfolding.
type line struct {
	name  string // text before the first ':' with trailing spaces removed
	value string // text after the ':' with leading spaces removed
}

// splitLine cuts a logical line at its first ':'.
func splitLine(b []byte) (line, bool) {
	for k, c := range b {
		if c != ':' {
			continue
		}
		name := b[:k]
		for len(name) > 0 && name[len(name)-1] == ' ' {
			name = name[:len(name)-1]
		}
		v := b[k+1:]
		for len(v) > 0 && v[0] == ' ' {
			v = v[1:]
		}
		return line{name: string(name), value: string(v)}, true
	}
	return line{}, false
}

// sameName compares header names ASCII-case-insensitively, as c-client's
// ucase + strcmp does.
func sameName(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Get returns the first occurrence of field name (case-insensitive)
// unfolded the way c-client does: each line break plus the following
// space or tab becomes one space, every tab becomes a space, leading spaces
// of the value are removed and trailing ones kept.
func Get(hdr []byte, name string) (value string, ok bool) {
	eachRaw(hdr, func(raw []byte) bool {
		if rawNameIs(raw, name) {
			var l line
			l, ok = parseRaw(raw)
			value = l.value
		}
		return !ok
	})
	return value, ok
}

// GetAll returns the values of every occurrence of field name, in order.
func GetAll(hdr []byte, name string) []string {
	var out []string
	eachRaw(hdr, func(raw []byte) bool {
		if rawNameIs(raw, name) {
			l, _ := parseRaw(raw)
			out = append(out, l.value)
		}
		return true
	})
	return out
}
