package imaptest

import (
	"io"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// GhostFetch is the FETCH of a lying server: it answers honestly with
// inner, then adds "* 999 FETCH (UID 7777 ...)", a message beyond EXISTS
// whose UID nobody asked for, with every item that was asked for (flags,
// date, size, header fields, body; doc/design/trust-memory.md). Its
// Message-ID is <ghost@evil>.
func GhostFetch(inner imapserver.Session, w *imapserver.FetchWriter, numSet goimap.NumSet, opt *goimap.FetchOptions) error {
	if err := inner.Fetch(w, numSet, opt); err != nil {
		return err
	}
	raw := "Message-ID: <ghost@evil>\r\nFrom: evil@x\r\nSubject: boo\r\nDate: Tue, 14 Nov 2023 22:13:21 +0000\r\n\r\nghost\r\n"
	rw := w.CreateMessage(999)
	rw.WriteUID(7777)
	if opt.Flags {
		rw.WriteFlags(nil)
	}
	if opt.InternalDate {
		rw.WriteInternalDate(time.Unix(1.7e9, 0))
	}
	if opt.RFC822Size {
		rw.WriteRFC822Size(int64(len(raw)))
	}
	for _, bs := range opt.BodySection {
		text := raw
		if bs.Specifier != goimap.PartSpecifierNone {
			text = raw[:strings.Index(raw, "\r\n\r\n")+4]
		}
		wc := rw.WriteBodySection(bs, int64(len(text)))
		io.WriteString(wc, text)
		wc.Close()
	}
	return rw.Close()
}
