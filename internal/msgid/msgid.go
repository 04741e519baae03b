package msgid

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strings"

	"github.com/mailsync/mailsync/internal/header"
)

// Algorithm selects how message ids are computed (option -t).
type Algorithm int

const (
	// MsgID uses the Message-ID header (the default).
	MsgID Algorithm = iota
	// MD5 hashes Date, Subject, Message-ID, From and To.
	MD5
)

// ParseAlgorithm maps the -t argument ("msgid", "md5") to an Algorithm.
func ParseAlgorithm(s string) (Algorithm, bool) {
	switch s {
	case "msgid":
		return MsgID, true
	case "md5":
		return MD5, true
	}
	return 0, false
}

// ID is the identity of one message.
type ID struct {
	// Value is "<a@b>" in msgid mode ("<>" when the message has no usable
	// Message-ID) and 32 lowercase hex digits in md5 mode ("" when there is
	// nothing to hash).
	Value string
	// Missing reports a message without identity: in msgid mode a missing,
	// empty or "<>" Message-ID (doc/design/decisions.md#d1-id-less-messages:
	// the engine ignores it), in md5 mode all five hashed parts empty.
	Missing bool
	// Repair says how the Message-ID was repaired to give Value (-vb
	// warns of it); NotRepaired for most.
	Repair Repair
}

// Repair is how a Message-ID was repaired to become an id, as mailsync's
// MsgId::sanitize_message_id repairs it.
type Repair uint8

const (
	NotRepaired    Repair = iota
	AddedBrackets         // the brackets <> were missing
	ReplacedBlanks        // blanks and control characters became '.'
)

// Compute returns the id of the message with header section hdr. In
// msgid mode it allocates nothing but the id string (a header holding a
// NUL byte costs a copy, see storedForm).
func Compute(alg Algorithm, hdr []byte) ID {
	hdr = storedForm(hdr)
	if alg == MD5 {
		return computeMD5(hdr)
	}
	var buf [256]byte
	raw, _ := header.AppendValue(buf[:0], hdr, "Message-ID")
	if len(raw) == 0 || string(raw) == "<>" {
		return ID{Value: "<>", Missing: true}
	}
	id, repair := sanitize(raw)
	return ID{Value: id, Missing: id == "<>", Repair: repair}
}

// storedForm returns hdr as stores keep it: every NUL byte turned into
// 0x80, as c-client does when it appends to a local file and Dovecot when
// it stores a message. An id computed on the bytes as read (c-client ends
// a line at a NUL: "<a\x00b@x>" reads as "<a>") differs from the id of
// the copy the sync makes, so the second run would take the copy for a
// new message and the original for a deleted one (doc/design/
// trust-liveness.md, "Message-IDs with NUL"). hdr itself is never changed.
func storedForm(hdr []byte) []byte {
	if bytes.IndexByte(hdr, 0) < 0 {
		return hdr
	}
	out := bytes.Clone(hdr)
	for i, c := range out {
		if c == 0 {
			out[i] = 0x80
		}
	}
	return out
}

// sanitize repairs a Message-ID value like mailsync's
// MsgId::sanitize_message_id: brackets added where missing, blanks and
// control characters turned into '.', everything after the first '>'
// cut.
func sanitize(raw []byte) (string, Repair) {
	if len(raw) > 1 && raw[0] == ' ' && raw[1] == '<' {
		raw = raw[1:] // a Message-ID folded with a bare LF
	}
	var buf [128]byte
	b := buf[:0]
	added, replaced, closed := false, false, false
	if len(raw) == 0 || raw[0] != '<' {
		b = append(b, '<')
		added = true
	}
	for _, c := range raw {
		if c == '>' {
			closed = true
			b = append(b, c)
			break
		}
		if c <= ' ' || c == 0x7f { // isspace || iscntrl in the C locale
			c = '.'
			replaced = true
		}
		b = append(b, c)
	}
	if !closed {
		b = append(b, '>')
		added = true
	}
	id := string(b)
	switch {
	case added:
		return id, AddedBrackets
	case replaced:
		return id, ReplacedBlanks
	}
	return id, NotRepaired
}

// computeMD5 hashes Date + Subject + Message-ID (raw, first occurrences)
// + every From address + every To address, as mailsync 5.2.7 does.
func computeMD5(hdr []byte) ID {
	var b strings.Builder
	for _, name := range []string{"Date", "Subject", "Message-ID"} {
		v, _ := header.Get(hdr, name)
		b.WriteString(v)
	}
	for _, name := range []string{"From", "To"} {
		for _, a := range header.AddrSpecs(hdr, name) {
			b.WriteString(a)
		}
	}
	if b.Len() == 0 {
		return ID{Missing: true}
	}
	sum := md5.Sum([]byte(b.String()))
	return ID{Value: hex.EncodeToString(sum[:])}
}
