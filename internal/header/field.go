package header

// line is one logical header line after c-client's unfolding.
type line struct {
	name  string // text before the first ':' with trailing spaces removed
	value string // text after the ':' with leading spaces removed
}

// lines splits hdr into logical header lines as 5.2.7 (c-client's
// rfc822_parse_msg_full) does: every CR is dropped (also a lone one), a
// line break followed by a space or tab continues the line (the break
// itself vanishes, the space/tab stays), every tab becomes a space, and a
// NUL byte ends the logical line. Lines without a
// ':' are dropped. Reading stops at the first empty line.
func lines(hdr []byte) []line {
	var out []line
	i, n := 0, len(hdr)
	for i < n && hdr[i] != '\n' && !(hdr[i] == '\r' && i+1 < n && hdr[i+1] == '\n') {
		var b []byte
		for i < n {
			c := hdr[i]
			i++
			if c == '\r' {
				continue
			}
			if c == '\n' {
				if i >= n || (hdr[i] != ' ' && hdr[i] != '\t') {
					break
				}
				continue
			}
			if c == 0 {
				break
			}
			if c == '\t' {
				c = ' '
			}
			b = append(b, c)
		}
		if l, ok := splitLine(b); ok {
			out = append(out, l)
		}
	}
	return out
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
	for _, l := range lines(hdr) {
		if sameName(l.name, name) {
			return l.value, true
		}
	}
	return "", false
}

// GetAll returns the values of every occurrence of field name, in order.
func GetAll(hdr []byte, name string) []string {
	var out []string
	for _, l := range lines(hdr) {
		if sameName(l.name, name) {
			out = append(out, l.value)
		}
	}
	return out
}
