package header

import "strings"

// This file ports the address parser of UW c-client (rfc822.c) closely,
// including its error recovery, so that mailsync's md5 ids and sender
// columns come out the same. The parser works on a NUL-terminated byte
// buffer because c-client writes NULs into its input (tie-offs, and an
// unterminated comment truncates the rest of the value); positions are
// indices into that buffer and -1 stands for c-client's NIL pointer.

const (
	badHost       = ".MISSING-HOST-NAME." // c-client BADHOST: default host of local drivers
	errHost       = ".SYNTAX-ERROR."      // c-client ERRHOST
	maxGroupDepth = 50
	esc           = 0x1b
)

// wspecials is c-client's RFC 2822 dot-atom specials list.
const wspecials = " ()<>@,;:\\\"[]\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"

// entry is one element of a c-client address list. A group start has a
// mailbox (the group name) and no host, a group end neither.
type entry struct {
	personal    string
	hasPersonal bool
	adl         string
	mailbox     string
	hasMailbox  bool
	host        string
	hasHost     bool
	defaulted   bool // host is the default host: the address had no domain
}

type parser struct {
	b    []byte
	list []*entry
}

func errEntry(mailbox string) *entry {
	return &entry{mailbox: mailbox, hasMailbox: true, host: errHost, hasHost: true}
}

// cstr returns the NUL-terminated string starting at i.
func (p *parser) cstr(i int) string {
	j := i
	for p.b[j] != 0 {
		j++
	}
	return string(p.b[i:j])
}

// unquote is c-client's rfc822_quote: drop double quotes, keep the
// character after a backslash.
func unquote(s string) string {
	if !strings.ContainsAny(s, "\\\"") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
		case '\\':
			i++
			if i < len(s) {
				out = append(out, s[i])
			}
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

// pbrk is strpbrk: the first index >= i holding a byte of set, or -1.
func (p *parser) pbrk(i int, set string) int {
	for ; p.b[i] != 0; i++ {
		if strings.IndexByte(set, p.b[i]) >= 0 {
			return i
		}
	}
	return -1
}

// skipws skips white space and comments (rfc822_skipws).
func (p *parser) skipws(i int) int {
	for {
		switch p.b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '(':
			_, next, ok := p.skipComment(i, false)
			if !ok {
				return i
			}
			i = next
		default:
			return i
		}
	}
}

// skipComment skips the comment starting at i (rfc822_skip_comment). It
// returns the start of the comment text, the position after the comment
// and whether it was terminated. With trim, the text is cut after its last
// significant character. An unterminated comment truncates the buffer at i.
func (p *parser) skipComment(i int, trim bool) (text, next int, ok bool) {
	s1 := i + 1
	ret := s1
	for p.b[ret] == ' ' {
		ret++
	}
	t := -1
	for ; ; s1++ {
		switch p.b[s1] {
		case '(':
			_, n, ok := p.skipComment(s1, false)
			if !ok {
				return 0, 0, false
			}
			s1 = n - 1
			t = s1
		case ')':
			if trim {
				if t >= 0 {
					p.b[t+1] = 0
				} else {
					p.b[ret] = 0
				}
			}
			return ret, s1 + 1, true
		case '\\':
			s1++
			if p.b[s1] != 0 {
				t = s1
				continue
			}
			p.b[i] = 0
			return 0, 0, false
		case 0:
			p.b[i] = 0
			return 0, 0, false
		case ' ':
		default:
			t = s1
		}
	}
}

// parseWord returns the end of the word at i (rfc822_parse_word); phrase
// selects phrase parsing (wspecials plus ISO-2022-JP escape handling).
func (p *parser) parseWord(i int, delims string, phrase bool) int {
	s := p.skipws(i)
	if p.b[s] == 0 {
		return -1
	}
	str := s
	for {
		st := p.pbrk(str, delims)
		if st < 0 {
			return p.end(str)
		}
		if phrase && p.b[st] == esc {
			str, st = p.skipEscape(st)
			if st < 0 {
				return p.end(str)
			}
			continue
		}
		switch p.b[st] {
		case '"':
			for st++; p.b[st] != '"'; st++ {
				switch p.b[st] {
				case 0:
					return -1
				case '\\':
					st++
					if p.b[st] == 0 {
						return -1
					}
				}
			}
			str = st + 1
			continue
		case '\\':
			if p.b[st+1] != 0 {
				str = st + 2
				continue
			}
		}
		if st == s {
			return -1
		}
		return st
	}
}

// skipEscape handles an ESC inside a phrase word. It returns the new scan
// position, and st = -1 when the rest of the string belongs to the word.
func (p *parser) skipEscape(st int) (str, next int) {
	st++
	str = st
	switch p.b[st] {
	case '$':
		st++
		if c := p.b[st]; c == '@' || c == 'B' {
			st++
			str = st
			for {
				e := st
				for p.b[e] != 0 && p.b[e] != esc {
					e++
				}
				if p.b[e] == 0 {
					return str, -1
				}
				st = e + 1
				if p.b[st] == '(' && (p.b[st+1] == 'B' || p.b[st+1] == 'J' || p.b[st+1] == 'H') {
					st += 2
					str = st
					if p.b[st] == 0 {
						return str, -1
					}
					return str, st
				}
			}
		}
	case '(':
		if c := p.b[st+1]; c == 'B' || c == 'J' || c == 'H' {
			str = st + 2
		}
	}
	return str, st
}

// end returns the index of the NUL terminating the string at i.
func (p *parser) end(i int) int {
	for p.b[i] != 0 {
		i++
	}
	return i
}

// parsePhrase returns the end of the phrase at i, or -1.
func (p *parser) parsePhrase(i int) int {
	cur := p.parseWord(i, wspecials, true)
	for cur >= 0 && p.b[cur] != 0 {
		next := p.parseWord(p.skipws(cur), wspecials, true)
		if next < 0 {
			break
		}
		cur = next
	}
	return cur
}
