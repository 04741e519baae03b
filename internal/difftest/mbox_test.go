package difftest

import (
	"regexp"
	"strings"
)

// Msg is one message of a mailbox as the comparison sees it.
type Msg struct {
	Date   string   // internal date: the From_ line without "From SENDER " (mbox) or the file time (MH)
	Sender string   // From_ line sender (mbox only)
	Header []string // header fields, unfolded lines joined with "\n", metadata headers removed
	Body   string
	Flags  string // subset of "SAFDT" (Seen Answered Flagged Deleted Draft)
	Old    bool   // Status: O present
	MH     bool
}

// metaHeaders are c-client's status headers, not part of a message.
var metaHeaders = map[string]bool{
	"status": true, "x-status": true, "x-keywords": true,
	"x-uid": true, "x-imap": true, "x-imapbase": true,
}

const pseudoSubject = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA"

// fromLine recognises a c-client From_ line: "From " sender date.
var fromLine = regexp.MustCompile(`^From (\S*) +((Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9]\d \d\d:\d\d.*)$`)

// isMbox reports whether data looks like an mbox file (empty or a From_ line first).
func isMbox(data string) bool {
	if data == "" {
		return true
	}
	first, _, _ := strings.Cut(data, "\n")
	return fromLine.MatchString(first)
}

// parseMbox splits an mbox file into messages, dropping the pseudo message.
func parseMbox(data string) []Msg {
	lines := strings.SplitAfter(data, "\n")
	var msgs []Msg
	var cur []string
	var fl []string
	flush := func() {
		if fl != nil {
			msgs = append(msgs, parseMessage(cur, fl[1], fl[2], false))
		}
	}
	for _, l := range lines {
		if l == "" {
			continue
		}
		if m := fromLine.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			flush()
			fl, cur = m, nil
			continue
		}
		cur = append(cur, l)
	}
	flush()
	if len(msgs) > 0 && msgs[0].field("Subject") == pseudoSubject && msgs[0].hadIMAP() {
		msgs = msgs[1:]
	}
	return msgs
}

// parseMessage builds a Msg from its lines (without From_ line).
func parseMessage(lines []string, sender, date string, mh bool) Msg {
	m := Msg{Sender: sender, Date: date, MH: mh}
	i := 0
	var fields []string
	for ; i < len(lines); i++ {
		l := strings.TrimSuffix(lines[i], "\n")
		if l == "" {
			i++
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1] += "\n" + l
			continue
		}
		fields = append(fields, l)
	}
	var status, xstatus string
	for _, f := range fields {
		name, val, _ := strings.Cut(f, ":")
		switch strings.ToLower(name) {
		case "status":
			status += val
		case "x-status":
			xstatus += val
		case "x-imap", "x-imapbase":
			m.Header = append(m.Header, "\x00imap")
		}
		if !metaHeaders[strings.ToLower(name)] {
			m.Header = append(m.Header, f)
		}
	}
	for _, c := range []struct {
		flag byte
		in   string
		l    string
	}{{'S', status, "R"}, {'A', status + xstatus, "A"}, {'F', status + xstatus, "F"}, {'D', status + xstatus, "D"}, {'T', status + xstatus, "T"}} {
		if strings.Contains(c.in, c.l) {
			m.Flags += string(c.flag)
		}
	}
	m.Old = strings.Contains(status, "O")
	body := strings.Join(lines[i:], "")
	if !mh && (strings.HasSuffix(body, "\n\n") || body == "\n") {
		body = body[:len(body)-1]
	}
	m.Body = body
	return m
}

// hadIMAP reports whether the message carried X-IMAP/X-IMAPbase (marked
// by parseMessage with an internal header entry).
func (m *Msg) hadIMAP() bool {
	for _, h := range m.Header {
		if h == "\x00imap" {
			return true
		}
	}
	return false
}

// field returns the first value of header NAME, trimmed.
func (m *Msg) field(name string) string {
	for _, h := range m.Header {
		n, v, ok := strings.Cut(h, ":")
		if ok && strings.EqualFold(n, name) {
			return strings.TrimSpace(strings.ReplaceAll(v, "\n", ""))
		}
	}
	return ""
}

// headers returns the header fields without internal markers.
func (m *Msg) headers() []string {
	var out []string
	for _, h := range m.Header {
		if h != "\x00imap" {
			out = append(out, h)
		}
	}
	return out
}

// key identifies a message for the status check of
// doc/design/decisions.md#d5-new-mail-stays-new and for error messages.
func (m *Msg) key() string {
	return m.field("Message-ID") + " " + m.field("Subject")
}
