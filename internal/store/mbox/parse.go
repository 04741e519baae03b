package mbox

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/mailsync/mailsync/internal/store"
)

// rawMessage is one message of a small mbox read whole into memory (used
// for the msinfo file, which is rewritten the way c-client rewrites it).
type rawMessage struct {
	FromLine []byte // the From_ line with its LF
	Header   []byte // the header lines without metadata and without the blank line
	Body     []byte // the text, without the separator blank line
	Flags    store.Flags
	UID      uint64   // X-UID, 0 if none
	Keywords []string // X-Keywords
}

// rawFile is a whole small mbox file.
type rawFile struct {
	Pseudo   bool     // the file starts with a pseudo message
	Validity uint64   // UID validity (X-IMAP / X-IMAPbase), 0 if none
	LastUID  uint64   // last UID assigned
	Keywords []string // keyword list of X-IMAP / X-IMAPbase
	Messages []rawMessage
}

// parseBytes reads a whole mbox file held in memory. An empty input is an
// empty mailbox.
func parseBytes(data []byte, name string) (*rawFile, error) {
	s := newScanner(bytes.NewReader(data), 0, name)
	ms, err := s.scanMessages(nil, true, 1, nil)
	if err != nil {
		return nil, err
	}
	rf := &rawFile{}
	for i, m := range ms {
		h := newHdrState()
		var hdr []byte
		rest := data[m.hdrStart():m.bodyStart]
		for len(rest) > 0 {
			j := indexLF(rest) + 1
			if j == 0 {
				j = len(rest)
			}
			if h.line(rest[:j]) && !isBlank(rest[:j]) {
				hdr = append(hdr, rest[:j]...)
			}
			rest = rest[j:]
		}
		if i == 0 && h.validity != 0 {
			rf.Validity, rf.LastUID = h.validity, h.lastUID
			for _, k := range h.imapKW {
				rf.Keywords = append(rf.Keywords, string(k))
			}
		}
		if m.pseudo {
			rf.Pseudo = true
			continue
		}
		rm := rawMessage{
			FromLine: data[m.start:m.hdrStart()],
			Header:   hdr,
			Body:     data[m.bodyStart:m.bodyEnd()],
			Flags:    m.flags,
			UID:      h.uid,
		}
		for _, k := range h.keywords {
			rm.Keywords = append(rm.Keywords, string(k))
		}
		rf.Messages = append(rf.Messages, rm)
	}
	return rf, nil
}

// assignUIDs gives every message without a usable UID the next UID, as
// c-client does when it opens a file read-write. It reports whether
// anything changed (c-client would then rewrite the file).
func (rf *rawFile) assignUIDs(env store.Env) bool {
	changed := false
	if rf.Validity == 0 {
		rf.Validity = uint64(env.Time().Unix())
		changed = len(rf.Messages) > 0
	}
	var prev uint64
	for i := range rf.Messages {
		m := &rf.Messages[i]
		if m.UID == 0 || m.UID <= prev {
			rf.LastUID++
			m.UID = rf.LastUID
			changed = true
		} else if m.UID > rf.LastUID {
			rf.LastUID = m.UID
			changed = true
		}
		prev = m.UID
		if m.Flags&store.Recent != 0 {
			changed = true
		}
	}
	return changed
}

// rewrite returns the file as c-client rewrites it after opening it
// read-write: the pseudo message in rewrite form (if the file has one or
// no message remains), then every message in rewrite form, marked old.
func (rf *rawFile) rewrite(env store.Env) []byte {
	var out []byte
	pseudo := rf.Pseudo || len(rf.Messages) == 0
	if pseudo {
		out = append(out, PseudoRewrite(env, rf.Validity, rf.LastUID, rf.Keywords)...)
	}
	for i, m := range rf.Messages {
		out = append(out, bytes.Replace(m.FromLine, []byte("\r\n"), []byte("\n"), 1)...)
		out = append(out, m.Header...)
		out = append(out, rf.xstatus(m, !pseudo && i == 0)...)
		out = append(out, m.Body...)
		out = append(out, '\n')
	}
	return out
}

// xstatus is c-client's status block (unix_xstatus) for a rewrite.
func (rf *rawFile) xstatus(m rawMessage, base bool) []byte {
	var b []byte
	pad := 50
	if base {
		b = fmt.Appendf(b, "X-IMAPbase: %d %d", rf.Validity, rf.LastUID)
		for _, k := range rf.Keywords {
			b = append(b, ' ')
			b = append(b, k...)
		}
		b = append(b, '\n')
		pad += 30
	}
	b = append(b, "Status: "...)
	if m.Flags&store.Seen != 0 {
		b = append(b, 'R')
	}
	b = append(b, "O\nX-Status: "...)
	for _, f := range []struct {
		f store.Flags
		c byte
	}{{store.Deleted, 'D'}, {store.Flagged, 'F'}, {store.Answered, 'A'}, {store.Draft, 'T'}} {
		if m.Flags&f.f != 0 {
			b = append(b, f.c)
		}
	}
	b = append(b, "\nX-Keywords:"...)
	for _, k := range rf.Keywords {
		for _, mk := range m.Keywords {
			if mk == k {
				b = append(b, ' ')
				b = append(b, k...)
				break
			}
		}
	}
	for len(b) < pad {
		b = append(b, ' ')
	}
	b = append(b, "\nX-UID: "...)
	b = strconv.AppendUint(b, m.UID, 10)
	return append(b, '\n', '\n')
}
