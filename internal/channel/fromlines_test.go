package channel

import (
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/header"
)

// FuzzFromLines: the from part made of the lines header.AppendSelect keeps is
// the from part of the whole header, whatever the header holds.
func FuzzFromLines(f *testing.F) {
	for _, s := range []string{
		"From: Carol Tanaka <carol@example.org>\nTo: v@example.net\nSubject: Re: lunch\nMessage-ID: <a@b>\n\n",
		"Subject: first\r\nsubject\t : second\r\n>From: Quoted <q@x>\r\nFROM:\r\n\tfolded <f@x>\r\n\r\nFrom: body@x\n",
		"X-A: a\x00From: after-nul@x\nSubject: s\x00\nFrom: <late@x>\n",
		" From: leading@x\n\rFrom: cr@x\nSub ject: no\nSubject     : spaced\nSubjectX: no\n",
		"From: a@x\n\n Subject: after the empty line\n",
		"X: y\x00\nSubject: not read\n",
		"Subject: =?utf-8?q?caf=C3=A9?= and a very long subject that gets cut\nFrom: \"A, B\" <ab@x>, c@y\n",
		"From",
		"Subject:",
	} {
		f.Add([]byte(s))
	}
	date := time.Date(2024, 2, 29, 23, 59, 0, 0, time.FixedZone("", -5*3600))
	f.Fuzz(func(t *testing.T, hdr []byte) {
		kept := header.AppendSelect(nil, hdr, "From", "Subject")
		if got, want := fromPart(date, kept), fromPart(date, hdr); got != want {
			t.Errorf("header %q\nkept %q\nfrom part %q, want %q", hdr, kept, got, want)
		}
		if len(kept) > len(hdr) {
			t.Errorf("kept %d bytes of %d", len(kept), len(hdr))
		}
	})
}
