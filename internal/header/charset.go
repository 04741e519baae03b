package header

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// The standard library decodes UTF-8, US-ASCII and ISO-8859-1 words by
// itself. charsetReader adds the other single-byte charsets common in
// mail headers. (go-message/charset would cover more, but it needs
// golang.org/x/text, which the module does not require.)

// cp1252 maps bytes 0x80..0x9f of windows-1252 (0 = unassigned).
var cp1252 = [32]rune{
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
}

// latin9 holds the code points where ISO-8859-15 differs from ISO-8859-1.
var latin9 = map[byte]rune{
	0xa4: 0x20ac, 0xa6: 0x0160, 0xa8: 0x0161, 0xb4: 0x017d,
	0xb8: 0x017e, 0xbc: 0x0152, 0xbd: 0x0153, 0xbe: 0x0178,
}

func charsetReader(name string, input io.Reader) (io.Reader, error) {
	var conv func(byte) rune
	switch strings.ToLower(name) {
	case "windows-1252", "cp1252", "x-cp1252":
		conv = func(c byte) rune {
			if c >= 0x80 && c < 0xa0 && cp1252[c-0x80] != 0 {
				return cp1252[c-0x80]
			}
			return rune(c)
		}
	case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
		conv = func(c byte) rune {
			if r, ok := latin9[c]; ok {
				return r
			}
			return rune(c)
		}
	default:
		return nil, fmt.Errorf("unsupported charset %q", name)
	}
	raw, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, c := range raw {
		b.WriteRune(conv(c))
	}
	return &b, nil
}
