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
