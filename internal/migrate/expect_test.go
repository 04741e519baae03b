package migrate

import (
	"bytes"

	"github.com/mailsync/mailsync/internal/store"
)

// format is a mailbox format a message is stored in on its way.
type format int

const (
	fmtMbox format = iota
	fmtMaildir
	fmtIMAP
	fmtMH
)

func (f format) String() string {
	return [...]string{"mbox", "Maildir", "IMAP", "MH"}[f]
}

// keeps is the set of the four travelling flags a format can store.
// mbox: Status: R, X-Status: A F T. Maildir: the S R F D letters. IMAP:
// the system flags. MH: \Seen as an access time later than the
// modification time (as c-client), \Answered, \Flagged and \Draft as the
// folder's .mh_sequences sequences replied, flagged and draft (c-client's
// MH driver stores none of the three: with 5.2.7 they are lost at the
// first MH hop). Every format keeps all four.
func (f format) keeps() store.Flags {
	return store.Seen | store.Answered | store.Flagged | store.Draft
}

// What "identical" means. Every message is compared in the wire form the
// store interface delivers (store.Mailbox.Fetch: CRLF line ends, header
// and body, no From_ line, no Status:, X-Status:, X-Keywords:, X-UID:,
// X-IMAP:, X-IMAPbase: headers — the formats' own metadata, which every
// backend strips when reading), byte for byte, against what the message
// must be after the formats it went through (expected):
//
//   - Reading an mbox (c-client's rules, mboxo): every CR is dropped and
//     every LF becomes CRLF (wire), so CRLF input reads like LF input and
//     a lone CR is lost right there; a ">From " line stays ">From "
//     (c-client never unquotes).
//   - Appending to an mbox: CRs are dropped, ">" goes before every line
//     that starts with "From " (a line already quoted stays as it is), and
//     a message whose last line has no line end gets one (an mbox message
//     always ends with one: the separator line would otherwise be part of
//     it). See intoMbox.
//   - Maildir and MH store LF and read CRLF (a file's LF not preceded by
//     CR reads as CRLF); Dovecot stores LF too. Writing turns CRLF into
//     LF, so the one CR directly before a CRLF is lost ("a\r\r\n" comes
//     back "a\r\n"); Dovecot also drops a CR that ends the message. See
//     intoLF. A message read from an mbox has neither, so for the chain
//     these formats keep the wire form exactly.
//
// Flags: a message arrives with the flags its origin gave it that every
// format on its way keeps (keeps). Internal dates: equal to the second at
// every hop (From_ line date, file modification time, INTERNALDATE).

// wire is what c-client's mbox driver delivers for a message stored as
// text (without its status headers): CRs dropped, LF turned into CRLF.
func wire(text []byte) []byte {
	out := make([]byte, 0, len(text)+len(text)/16)
	for _, b := range text {
		switch b {
		case '\r':
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, b)
		}
	}
	return out
}

// readLF is what Maildir and MH deliver for a file holding text: every LF
// not preceded by CR reads as CRLF.
func readLF(text []byte) []byte {
	out := make([]byte, 0, len(text)+len(text)/16)
	for i, b := range text {
		if b == '\n' && (i == 0 || text[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}

// intoLF is what a store that keeps LF line ends (Maildir, MH, Dovecot)
// delivers for a message appended in wire form w: CRLF stored as LF and
// read back as CRLF. dropLastCR: the store drops a CR ending the message
// (Dovecot).
func intoLF(w []byte, dropLastCR bool) []byte {
	stored := bytes.ReplaceAll(w, []byte("\r\n"), []byte("\n"))
	if dropLastCR {
		stored = bytes.TrimSuffix(stored, []byte("\r"))
	}
	return readLF(stored)
}

// intoMbox is what an mbox delivers for a message appended in wire form
// w: CRs dropped, "From " lines quoted with ">", and a final CRLF when
// the message has none.
func intoMbox(w []byte) []byte {
	w = wire(w)
	out := make([]byte, 0, len(w)+64)
	for len(w) > 0 {
		i := bytes.IndexByte(w, '\n') + 1
		if i == 0 {
			i = len(w)
		}
		if bytes.HasPrefix(w, []byte("From ")) {
			out = append(out, '>')
		}
		out = append(out, w[:i]...)
		w = w[i:]
	}
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		out = append(out, '\r', '\n')
	}
	return out
}

// expected is what a message looks like after travelling through the
// formats of path; path[0] is where it started: m.text is the file's
// contents for an mbox (after the From_ line, without status headers), a
// Maildir or an MH folder.
func expected(m *message, path []format) (body []byte, flags store.Flags) {
	if path[0] == fmtMbox {
		body = wire(m.text)
	} else {
		body = readLF(m.text)
	}
	flags = m.flags
	for i, f := range path {
		flags &= f.keeps()
		if i == 0 {
			continue
		}
		switch f {
		case fmtMbox:
			body = intoMbox(body)
		case fmtIMAP:
			body = intoLF(body, true)
		default:
			body = intoLF(body, false)
		}
	}
	return body, flags
}
