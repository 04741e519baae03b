package imap

import "io"

// nulReader sends a message body as c-client does: every NUL byte
// becomes 0x80, the size unchanged (doc/design/servers.md, "NUL
// bytes"). IMAP literals may not hold NUL (RFC 3501's CHAR8): Cyrus
// refuses such an APPEND ("Message contains NUL characters") and the
// copy would fail in every run; Dovecot stores 0x80 in its place anyway.
// Message identity reads NUL as 0x80 (package msgid), so original and
// copy keep one id.
type nulReader struct{ r io.Reader }

func (n nulReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	for i, c := range p[:k] {
		if c == 0 {
			p[i] = 0x80
		}
	}
	return k, err
}
