// Package mutf7 converts mailbox names between UTF-8 and the modified
// UTF-7 of IMAP (RFC 3501 section 5.1.3), the form in which servers list
// folder names, mailsync 5.2.7 pairs and records them, and Dovecot and
// Courier store Maildir++ folder names on disk (doc/design/names.md).
package mutf7

import (
	"encoding/base64"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// alphabet is base64 with ',' in place of '/', without padding.
var b64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)

// ErrInvalid: the name is not modified UTF-7.
var ErrInvalid = errors.New("not a modified UTF-7 mailbox name")

// direct reports whether c stands for itself in modified UTF-7.
func direct(c rune) bool { return c >= 0x20 && c <= 0x7e }

// Encode returns the modified UTF-7 form of a UTF-8 name. Bytes that are
// not UTF-8 are encoded as U+FFFD.
func Encode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if direct(r) {
			b.WriteByte(byte(r))
			if r == '&' {
				b.WriteByte('-')
			}
			i += n
			continue
		}
		var units []uint16
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if direct(r) {
				break
			}
			units = utf16.AppendRune(units, r)
			i += n
		}
		raw := make([]byte, 2*len(units))
		for k, u := range units {
			raw[2*k], raw[2*k+1] = byte(u>>8), byte(u)
		}
		b.WriteByte('&')
		b.WriteString(b64.EncodeToString(raw))
		b.WriteByte('-')
	}
	return b.String()
}

// Decode returns the UTF-8 form of a modified UTF-7 name. It fails on
// anything RFC 3501 does not allow: a byte outside printable ASCII, an
// unterminated or empty shift, bits left over, a shifted run that
// encodes printable ASCII or a broken surrogate pair.
func Decode(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return "", ErrInvalid
		}
		if c != '&' {
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+1:], '-')
		if end < 0 {
			return "", ErrInvalid
		}
		run := s[i+1 : i+1+end]
		i += end + 1
		if run == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := b64.DecodeString(run)
		if err != nil || len(raw)%2 != 0 || b64.EncodeToString(raw) != run {
			return "", ErrInvalid
		}
		units := make([]uint16, len(raw)/2)
		for k := range units {
			units[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		for k := 0; k < len(units); k++ {
			u := rune(units[k])
			switch {
			case utf16.IsSurrogate(u):
				if k+1 >= len(units) {
					return "", ErrInvalid
				}
				r := utf16.DecodeRune(u, rune(units[k+1]))
				if r == utf8.RuneError {
					return "", ErrInvalid
				}
				b.WriteRune(r)
				k++
			case direct(u):
				return "", ErrInvalid // must have been written as itself
			default:
				b.WriteRune(u)
			}
		}
	}
	return b.String(), nil
}

// Canonical reports whether s is a modified UTF-7 name in the form
// Encode produces (the form servers send): decoding and encoding it again
// gives s.
func Canonical(s string) bool {
	d, err := Decode(s)
	return err == nil && Encode(d) == s
}
