package local

import (
	"os"
	"syscall"
)

// extends reports whether some non-empty string x makes s+x match the
// c-client pattern pat ('*' anything, '%' anything but '/'): whether a
// lister must descend into the directory s (a name ending in "/") to find
// matches. It is the exact form of c-client's dmatch, which also says yes
// for some directories that cannot hold a match.
func extends(pat, s string) bool {
	for {
		if s == "" {
			return pat != ""
		}
		if pat == "" {
			return false
		}
		switch pat[0] {
		case '*':
			return true
		case '%':
			for i := 0; ; i++ {
				if i == len(s) {
					return true // '%' takes the rest of s and more
				}
				if extends(pat[1:], s[i:]) {
					return true
				}
				if s[i] == delim {
					return false
				}
			}
		default:
			if pat[0] != s[0] {
				return false
			}
			pat, s = pat[1:], s[1:]
		}
	}
}

// marked is c-client's \Marked test for a listed file: not empty, and
// read before its last status change.
func marked(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || fi.Size() == 0 {
		return false
	}
	return st.Atim.Sec < st.Ctim.Sec
}
