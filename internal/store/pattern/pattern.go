// Package pattern implements c-client's mailbox-name wildcards: '*'
// matches any run of characters, '%' any run that contains no hierarchy
// delimiter. Every other byte matches itself (case-sensitively).
package pattern

// Match reports whether name matches pat, where delim is the store's
// hierarchy delimiter (0: none, so '%' behaves like '*').
func Match(pat, name string, delim byte) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			rest := pat[1:]
			for i := len(name); i >= 0; i-- {
				if Match(rest, name[i:], delim) {
					return true
				}
			}
			return false
		case '%':
			rest := pat[1:]
			// '%' may consume characters up to (not including) a delimiter.
			end := len(name)
			if delim != 0 {
				for i := 0; i < len(name); i++ {
					if name[i] == delim {
						end = i
						break
					}
				}
			}
			for i := end; i >= 0; i-- {
				if Match(rest, name[i:], delim) {
					return true
				}
			}
			return false
		default:
			if len(name) == 0 || name[0] != pat[0] {
				return false
			}
			pat, name = pat[1:], name[1:]
		}
	}
	return len(name) == 0
}

// CouldMatchBelow reports whether some name that starts with dir (a
// directory name ending in delim) could match pat: used by listers to
// decide whether to descend into a directory.
func CouldMatchBelow(pat, dir string, delim byte) bool {
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if c == '*' {
			return true
		}
		if c == '%' {
			// '%' can consume the rest of a component but not a delimiter:
			// dir's remainder must not contain one.
			rest := dir[min(i, len(dir)):]
			for j := 0; j < len(rest); j++ {
				if rest[j] == delim {
					// '%' stops before this delimiter; continue matching
					// after it with the pattern after '%'.
					return CouldMatchBelow(pat[i+1:], rest[j:], delim)
				}
			}
			return true
		}
		if i >= len(dir) {
			return true
		}
		if dir[i] != c {
			return false
		}
	}
	return len(pat) >= len(dir)
}
