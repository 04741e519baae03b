package header

import "strings"

// quoteAtom writes s as c-client's rfc822_cat does with the
// dot-atom rules: quoted when it is empty, contains a special, space or
// control character, starts or ends with '.' or contains "..".
func quoteAtom(s string) string {
	if s != "" && !strings.ContainsAny(s, wspecials) && s[0] != '.' &&
		!strings.Contains(s, "..") && s[len(s)-1] != '.' {
		return s
	}
	return quoteWith(s)
}

// quoteWith is the quoting branch of c-client's rfc822_cat: the text in
// double quotes with every backslash and double quote escaped by a
// backslash.
func quoteWith(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
