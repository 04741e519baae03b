package imap

import "github.com/mailsync/mailsync/internal/mutf7"

// Mailbox names cross the store interface in the server's own form,
// modified UTF-7 ("priv&AOk-"), as mailsync 5.2.7 pairs and records them
// (doc/design/names.md). go-imap works in UTF-8: it decodes the names a
// server lists and encodes the names it sends, so List encodes what
// go-imap decoded and every command is given wire(name).

// wire returns the name to hand to go-imap for a mailbox name in the
// server's form: its UTF-8 decoding, which go-imap encodes back to the
// same bytes. A name that is not modified UTF-7 (a raw "&" or non-ASCII
// byte written in the configuration) is handed over as it is, and go-imap
// sends its modified UTF-7 encoding: never a name encoded twice.
func wire(name string) string {
	if d, err := mutf7.Decode(name); err == nil {
		return d
	}
	return name
}
