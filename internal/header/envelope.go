package header

import (
	"bytes"
	"strings"
)

// EnvelopeSenderField is the pseudo field a store adds to a message's
// listed header when the -m sender column must come from the server's
// ENVELOPE rather than from the From line (doc/design/servers.md,
// "Envelope senders"). 5.2.7 takes an IMAP message's envelope from the
// server, whose parse of a From address without a domain shows the
// server's placeholder host (Cyrus "unspecified-domain", Dovecot
// "MISSING_DOMAIN", Courier an empty one) where c-client's local parse
// shows ".MISSING-HOST-NAME.". Summary shows its value as the sender;
// AppendSelect keeps it with From. Message identity never reads it.
const EnvelopeSenderField = "X-Mailsync-Envelope-Sender"

// DomainlessSender reports whether the -m sender column of hdr depends on
// the host of a From address without a domain: the first From address
// that has a host (the one the column shows) had none and has no display
// name. It returns that address's mailbox and its position in the From
// address list (group markers counted, as in an IMAP ENVELOPE).
func DomainlessSender(hdr []byte) (mailbox string, index int, ok bool) {
	if _, has := Get(hdr, EnvelopeSenderField); has {
		return "", 0, false
	}
	for i, e := range envelopeList(hdr, "From") {
		if !e.hasHost {
			continue
		}
		if !e.defaulted || e.hasPersonal {
			return "", 0, false
		}
		return e.mailbox, i, true
	}
	return "", 0, false
}

// WithEnvelopeSender returns a copy of hdr with the EnvelopeSenderField
// line giving sender added before the empty line that ends it. Line
// breaks and other control bytes of sender become spaces.
func WithEnvelopeSender(hdr []byte, sender string) []byte {
	sender = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, sender)
	nl := "\n"
	if bytes.Contains(hdr, []byte("\r\n")) {
		nl = "\r\n"
	}
	body := bytes.TrimRight(hdr, "\r\n")
	out := make([]byte, 0, len(body)+len(EnvelopeSenderField)+len(sender)+4*len(nl))
	out = append(out, body...)
	if len(body) > 0 {
		out = append(out, nl...)
	}
	out = append(out, EnvelopeSenderField+": "+sender+nl+nl...)
	return out
}
