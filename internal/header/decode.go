package header

import (
	"github.com/emersion/go-message/charset"
	"mime"
	"strings"
	"unicode/utf8"
)

// wordDecoder decodes RFC 2047 words in every charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeText decodes RFC 2047 encoded-words
// (doc/design/decisions.md#d13-encoded-words) and returns valid UTF-8. Text
// that fails to decode (unknown charset, broken encoding) is kept as it is.
func decodeText(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	return validUTF8(s)
}

// validUTF8 returns s with every byte that is not part of a valid UTF-8
// sequence read as ISO-8859-1, the usual charset of raw 8-bit headers.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			r, n = rune(s[i]), 1
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}
