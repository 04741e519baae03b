package msinfo

import (
	"bytes"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

// entry is one message of the msinfo mailbox as far as msinfo cares.
type entry struct {
	from    string // local part of the first From address, "" if none
	subject string
	hasSubj bool
	body    []byte
}

// headerValue returns the unfolded value of the first field name in hdr.
func headerValue(hdr []byte, name string) (string, bool) {
	lines := bytes.SplitAfter(hdr, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		c := bytes.IndexByte(l, ':')
		if c <= 0 || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		if !strings.EqualFold(strings.TrimRight(string(l[:c]), " \t"), name) {
			continue
		}
		v := strings.TrimRight(string(l[c+1:]), "\r\n")
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			v += " " + strings.TrimLeft(strings.TrimRight(string(lines[i]), "\r\n"), " \t")
		}
		return strings.TrimLeft(v, " \t"), true
	}
	return "", false
}

// localPart returns the local part of the first address of a From value.
func localPart(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		v = v[i+1:]
		if j := strings.IndexByte(v, '>'); j >= 0 {
			v = v[:j]
		}
	} else if i := strings.IndexAny(v, ", \t("); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '@'); i >= 0 {
		v = v[:i]
	}
	return strings.Trim(v, "\"")
}

func newEntry(hdr, body []byte) entry {
	e := entry{body: body}
	if v, ok := headerValue(hdr, "From"); ok {
		e.from = localPart(v)
	}
	e.subject, e.hasSubj = headerValue(hdr, "Subject")
	e.hasSubj = e.hasSubj && e.subject != ""
	return e
}

// pick finds the channel's entry among the messages: the last mailsync message
// whose Subject is the channel (doc/design/decisions.md#d9-msinfo-safety).
// Foreign messages give store.ForeignEntry notes, which the printer words
// as the Info lines of
// doc/design/behaviour.md#reading-the-msinfo.
func pick(entries []entry, channel, display string, md5 bool, notes func(store.Note)) State {
	var found *entry
	for i := range entries {
		e := &entries[i]
		switch {
		case e.from == "" || !e.hasSubj:
			notes(store.ForeignEntry{Msinfo: display, Incomplete: true})
		case !strings.HasPrefix(e.from, "mailsync"):
			notes(store.ForeignEntry{Msinfo: display, From: e.from})
		case e.subject == channel:
			found = e
		}
	}
	if found == nil {
		return State{}
	}
	return Parse(found.body, md5, notes)
}
