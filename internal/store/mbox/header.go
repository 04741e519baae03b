package mbox

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/mailsync/mailsync/internal/store"
)

// hdrState follows one message's header the way c-client's parser does.
type hdrState struct {
	retain   bool // a continuation line is kept (false after a metadata line)
	capture  bool // the current field is one of store.HeaderFields
	flags    store.Flags
	old      bool // Status: O seen
	uid      uint64
	keywords [][]byte
	imap     bool // X-IMAP: with a valid validity and last UID (pseudo message)
	validity uint64
	lastUID  uint64
	imapKW   [][]byte
}

func newHdrState() hdrState { return hdrState{retain: true} }

var metaNames = []string{"status", "x-status", "x-keywords", "x-uid", "x-imap", "x-imapbase"}

// line classifies one header line (raw, with its line end). It returns
// true when the line is part of the message (not metadata).
func (h *hdrState) line(s []byte) bool {
	if len(s) > 0 && (s[0] == 'X' || s[0] == 'S') {
		if meta, part := h.metaLine(s); meta {
			return part
		}
	}
	if len(s) > 0 && (s[0] == 'S' || s[0] == 's' || ((s[0] == 'X' || s[0] == 'x') && len(s) > 1 && s[1] == '-')) {
		end := 0
		for end < len(s) && s[end] != ':' && s[end] != ' ' && s[end] != '\t' && s[end] != '\r' && s[end] != '\n' {
			end++
		}
		if isMetaName(s[:end]) {
			h.retain = false
			return false
		}
	}
	cont := len(s) > 0 && (s[0] == ' ' || s[0] == '\t')
	if !h.retain && cont {
		return false
	}
	h.retain = true
	if !cont {
		h.capture = wanted(s)
	}
	return true
}

// metaLine reads the metadata lines c-client reads (the ones line
// matches by their exact spelling), reporting whether s was one; part is
// then line's answer (false: not part of the message).
func (h *hdrState) metaLine(s []byte) (meta, part bool) {
	switch {
	case bytes.HasPrefix(s, []byte("X-Status:")):
		h.status(s[9:])
		h.retain = false
		return true, false
	case bytes.HasPrefix(s, []byte("Status:")):
		h.status(s[7:])
		h.retain = false
		return true, false
	case bytes.HasPrefix(s, []byte("X-Keywords:")):
		h.keywords = append(h.keywords, words(s[11:])...) // c-client ORs the lines
		h.retain = false
		return true, false
	case bytes.HasPrefix(s, []byte("X-IMAP:")), bytes.HasPrefix(s, []byte("X-IMAPbase:")):
		isIMAP := s[6] == ':'
		v, rest := digits(bytes.TrimLeft(s[bytes.IndexByte(s, ':')+1:], " "))
		rest = bytes.TrimLeft(rest, " ")
		if v != 0 && len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' && h.validity == 0 {
			last, kw := digits(rest)
			h.validity, h.lastUID, h.imapKW = v, last, words(kw)
			h.imap = h.imap || isIMAP
		}
		h.retain = false
		return true, false
	case bytes.HasPrefix(s, []byte("X-UID:")):
		h.uid, _ = digits(bytes.TrimLeft(s[6:], " "))
		h.retain = false
		return true, false
	}
	return false, false
}

// isMetaName reports whether a header name is one of metaNames in any
// case. An ASCII name is compared without a copy; any other goes through
// bytes.ToLower, whose Unicode rules let a few more spellings match.
func isMetaName(name []byte) bool {
	ascii := true
	for _, c := range name {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		name = bytes.ToLower(name)
	}
	for _, m := range metaNames {
		if len(name) == len(m) && asciiFold(name, m) {
			return true
		}
	}
	return false
}

// asciiFold compares a with the lower-case ASCII b, ignoring ASCII case.
func asciiFold(a []byte, b string) bool {
	for i := range a {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

func (h *hdrState) status(s []byte) {
	for _, b := range s {
		switch b {
		case 'R':
			h.flags |= store.Seen
		case 'O':
			h.old = true
		case 'D':
			h.flags |= store.Deleted
		case 'F':
			h.flags |= store.Flagged
		case 'A':
			h.flags |= store.Answered
		case 'T':
			h.flags |= store.Draft
		case '\n':
			return
		}
	}
}

// headerFields is store.HeaderFields(), read once (wanted runs for every
// header line).
var headerFields = store.HeaderFields()

// wantedFirst holds the first bytes of every spelling of the first
// letter of store.HeaderFields that bytes.EqualFold takes for it (both
// cases, and such as the long s, U+017F): wanted rules out most lines
// by it.
var wantedFirst = func() (set [256]bool) {
	for _, f := range headerFields {
		r0, _ := utf8.DecodeRuneInString(f)
		for r := r0; ; {
			set[utf8.AppendRune(nil, r)[0]] = true
			if r = unicode.SimpleFold(r); r == r0 {
				break
			}
		}
	}
	return set
}()

// wanted reports whether the header line starts one of store.HeaderFields.
func wanted(s []byte) bool {
	if len(s) == 0 || !wantedFirst[s[0]] {
		return false
	}
	i := bytes.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(s[:i], " \t")
	for _, f := range headerFields {
		if bytes.EqualFold(name, []byte(f)) {
			return true
		}
	}
	return false
}

func digits(s []byte) (uint64, []byte) {
	var n uint64
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + uint64(s[i]-'0')
		i++
	}
	return n, s[i:]
}

func words(s []byte) [][]byte {
	var out [][]byte
	for _, w := range bytes.Fields(s) {
		out = append(out, append([]byte(nil), w...))
	}
	return out
}

// isBlank reports whether a raw line ends the header (LF or CRLF only).
func isBlank(s []byte) bool {
	return string(s) == "\n" || string(s) == "\r\n"
}

// crlfLen is the length of s with CRs removed and LFs turned into CRLF.
func crlfLen(s []byte) int64 {
	return int64(len(s) - bytes.Count(s, []byte{'\r'}) + bytes.Count(s, []byte{'\n'}))
}

// lineCRLFLen is crlfLen of one line (no LF but a last one), faster on
// the short lines of a header: one search for a CR, which most lines
// lack or end with.
func lineCRLFLen(s []byte) int64 {
	n := int64(len(s))
	if len(s) > 0 && s[len(s)-1] == '\n' {
		n++
	}
	for i := bytes.IndexByte(s, '\r'); i >= 0; {
		n--
		j := bytes.IndexByte(s[i+1:], '\r')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return n
}
