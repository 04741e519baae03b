package mh

import (
	"bytes"
	"strings"
)

// seqRecord is one entry of a sequence file: a line and the continuation
// lines (starting with a space or tab) that follow it, byte for byte.
type seqRecord struct {
	raw []byte
	// name is the sequence the record defines ("flagged" for
	// "flagged: 1-3 7"); "" for anything else (a blank line, a line
	// without a colon, a name with white space in it).
	name string
	// value is the text after the colon, continuation lines included.
	value string
}

// seqFile is a parsed .mh_sequences. Records it does not change are
// written back exactly as read.
type seqFile struct {
	recs []seqRecord
	crlf bool // the first line ends in CRLF: new lines do too
}

// parseSeqFile splits a sequence file into records. It accepts anything:
// what it cannot read as "name: numbers" it keeps as an unnamed record.
func parseSeqFile(data []byte) *seqFile {
	sf := &seqFile{}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if len(sf.recs) == 0 {
			sf.crlf = bytes.HasSuffix(line, []byte("\r\n"))
		}
		if (line[0] == ' ' || line[0] == '\t') && len(sf.recs) > 0 && !isBlank(sf.recs[len(sf.recs)-1].raw) {
			r := &sf.recs[len(sf.recs)-1]
			r.raw = append(r.raw, line...)
			if r.name != "" {
				r.value += string(line)
			}
			continue
		}
		r := seqRecord{raw: append([]byte(nil), line...)}
		if name, value, ok := strings.Cut(string(line), ":"); ok {
			name = strings.TrimRight(name, " \t")
			if name != "" && !strings.ContainsAny(name, " \t\r\n") {
				r.name, r.value = name, value
			}
		}
		sf.recs = append(sf.recs, r)
	}
	return sf
}

// isBlank reports whether a line holds nothing but its line end: in nmh's
// reading (RFC 5322 header rules) it ends the sequences.
func isBlank(line []byte) bool {
	return len(bytes.TrimRight(line, "\r\n")) == 0
}

// set returns the numbers of sequence name (the union when the name
// appears more than once) and how many tokens could not be read.
func (sf *seqFile) set(name string) (numSet, int) {
	var values []string
	for _, r := range sf.recs {
		if r.name == name {
			values = append(values, r.value)
		}
	}
	return parseNumSet(strings.Join(values, " "))
}

// replace makes sequence name hold exactly s. Nothing changes when it
// already does (malformed tokens and all). Otherwise the first record of
// that name is rewritten in place as "name: list", later records of the
// same name are dropped, and an empty sequence loses its line (as nmh and
// mutt write no empty sequences). A new sequence goes before the first
// blank line (where nmh stops reading), else at the end.
func (sf *seqFile) replace(name string, s numSet) {
	old, _ := sf.set(name)
	if old.equal(s) {
		return
	}
	first := -1
	out := sf.recs[:0:0]
	for i, r := range sf.recs {
		if r.name != name {
			out = append(out, r)
			continue
		}
		if first >= 0 {
			continue
		}
		first = i
		if len(s) > 0 {
			eol := "\n"
			if bytes.HasSuffix(firstLine(r.raw), []byte("\r\n")) {
				eol = "\r\n"
			}
			out = append(out, newRecord(name, s, eol))
		}
	}
	sf.recs = out
	if first >= 0 || len(s) == 0 {
		return
	}
	eol := "\n"
	if sf.crlf {
		eol = "\r\n"
	}
	at := len(sf.recs)
	for i, r := range sf.recs {
		if isBlank(r.raw) {
			at = i
			break
		}
	}
	if at > 0 && !bytes.HasSuffix(sf.recs[at-1].raw, []byte("\n")) {
		sf.recs[at-1].raw = append(sf.recs[at-1].raw, eol...)
	}
	sf.recs = append(sf.recs, seqRecord{})
	copy(sf.recs[at+1:], sf.recs[at:])
	sf.recs[at] = newRecord(name, s, eol)
}

func newRecord(name string, s numSet, eol string) seqRecord {
	value := " " + s.String() + eol
	return seqRecord{raw: []byte(name + ":" + value), name: name, value: value}
}

func firstLine(raw []byte) []byte {
	if i := bytes.IndexByte(raw, '\n'); i >= 0 {
		return raw[:i+1]
	}
	return raw
}

// bytes returns the file's content.
func (sf *seqFile) bytes() []byte {
	var b bytes.Buffer
	for _, r := range sf.recs {
		b.Write(r.raw)
	}
	return b.Bytes()
}
