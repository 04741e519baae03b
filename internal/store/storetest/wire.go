package storetest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// wireCase is a message whose bytes must survive Append and Fetch.
type wireCase struct {
	name string
	lf   string // the message with LF line ends; appended as CRLF
}

var wireCases = []wireCase{
	{"Plain", "From: a@example.org\nSubject: plain\n\nHello.\n"},
	{"FromLineInBody", "From: a@example.org\nSubject: from\n\nHi,\nFrom here on it is quoted.\n>From already quoted\nFrom\nFromage\n"},
	{"EightBit", "From: a@example.org\nSubject: caf\xe9\n\nna\xefve \xff\xfe\x80 bytes, UTF-8 \xc3\xa9t\xc3\xa9\n"},
	{"NoFinalNewline", "From: a@example.org\nSubject: nofinal\n\nlast line without newline"},
	{"TrailingBlankLines", "From: a@example.org\nSubject: blanks\n\nbody\n\n\n"},
	{"EmptyBody", "From: a@example.org\nSubject: empty body\n\n"},
	{"LongLine", "From: a@example.org\nSubject: long\n\n" + strings.Repeat("0123456789", 200) + "\n"},
	{"HeaderLookalikeInBody", "From: a@example.org\nSubject: lookalike\n\nStatus: RO\nX-UID: 7\n\nFrom nobody Mon Jan  2 15:04:05 2006\n"},
}

// want returns the bytes Fetch must yield for c, per the harness.
func (s *suite) wantWire(c wireCase) [][]byte {
	w := wire(c.lf)
	if s.h.QuotesFrom {
		w = bytes.ReplaceAll(w, []byte("\r\nFrom "), []byte("\r\n>From "))
	}
	alts := [][]byte{w}
	if s.h.AddsFinalNewline && !bytes.HasSuffix(w, []byte("\r\n")) {
		alts = append(alts, append(bytes.Clone(w), '\r', '\n'))
	}
	return alts
}

// testWire appends every wireCase and checks the bytes Fetch yields in
// the same session and after reopening: CRLF, no backend metadata, body
// identical, Size equal to the byte count.
func (s *suite) testWire(t *testing.T) {
	e := s.fresh(t)
	e.create(t, "wire")
	mb := e.open(t, "wire", store.ReadWrite)
	for i, c := range wireCases {
		appendRaw(t, mb, wire(c.lf), store.Seen, fixtureDate(i))
	}
	check := func(t *testing.T, mb store.Mailbox) {
		msgs := messages(t, mb)
		if len(msgs) != len(wireCases) {
			t.Fatalf("%d messages, want %d", len(msgs), len(wireCases))
		}
		for i, c := range wireCases {
			t.Run(c.name, func(t *testing.T) {
				got := fetch(t, mb, msgs[i].Key)
				if int64(len(got)) != msgs[i].Size {
					t.Errorf("Size = %d, Fetch yields %d bytes", msgs[i].Size, len(got))
				}
				if hasBareLF(got) {
					t.Errorf("Fetch yields a bare LF line end: %q", got)
				}
				alts := s.wantWire(c)
				for _, w := range alts {
					if bytes.Equal(got, w) {
						return
					}
				}
				t.Errorf("Fetch =\n%q\nwant\n%q", got, alts[0])
			})
		}
	}
	t.Run("SameSession", func(t *testing.T) { check(t, mb) })
	closeBox(t, mb)
	t.Run("Reopened", func(t *testing.T) {
		mb := e.open(t, "wire", store.ReadOnly)
		defer closeBox(t, mb)
		check(t, mb)
	})
}

// testHeader checks that Header holds every HeaderFields line, folding
// kept, ending with an empty line.
func (s *suite) testHeader(t *testing.T) {
	fields := []string{
		"Message-ID: <hdr.1@example.org>",
		"Date: Tue, 03 Jan 2006 10:00:00 +0100",
		"Subject: a subject that is\n folded over\n\tthree lines",
		"From: \"Sender, A.\" <a@example.org>",
		"To: b@example.net,\n c@example.net",
	}
	raw := "Received: from x by y; Tue, 03 Jan 2006 10:00:01 +0100\n" +
		strings.Join(fields, "\n") + "\nX-Other: other\n\nBody\nSubject: not a header\n"
	e := s.fresh(t)
	e.seed(t, "hdr", [][]byte{wire(raw)}, []store.Flags{0})
	mb := e.open(t, "hdr", store.ReadOnly)
	defer closeBox(t, mb)
	msgs := messages(t, mb)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	h := strings.ReplaceAll(string(msgs[0].Header), "\r\n", "\n")
	if !strings.HasSuffix(h, "\n\n") {
		t.Errorf("Header does not end with an empty line: %q", h)
	}
	if strings.Contains(h, "not a header") || strings.Contains(h, "Body") {
		t.Errorf("Header holds body text: %q", h)
	}
	for _, f := range fields {
		if !strings.HasPrefix(h, f+"\n") && !strings.Contains(h, "\n"+f+"\n") {
			t.Errorf("Header lacks the line %q:\n%s", f, h)
		}
	}
}

// testInternalDate checks that Append's InternalDate comes back to the
// second, in the same session and after reopening.
func (s *suite) testInternalDate(t *testing.T) {
	dates := []time.Time{
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2001, 2, 3, 4, 5, 6, 0, time.FixedZone("", 90*60)),
		time.Date(2024, 6, 30, 12, 0, 0, 500_000_000, time.FixedZone("", -7*3600)),
		time.Date(2037, 11, 5, 1, 30, 0, 0, time.FixedZone("", -3*3600-30*60)),
	}
	e := s.fresh(t)
	e.create(t, "dates")
	mb := e.open(t, "dates", store.ReadWrite)
	for i, d := range dates {
		appendRaw(t, mb, fixture(i), 0, d)
	}
	appended := time.Now()
	check := func(t *testing.T, mb store.Mailbox) {
		msgs := messages(t, mb)
		if len(msgs) != len(dates) {
			t.Fatalf("%d messages, want %d", len(msgs), len(dates))
		}
		for i, d := range dates {
			got := msgs[i].InternalDate
			if s.h.ClampsFutureDates && d.After(appended) {
				if got.After(appended.Add(time.Second)) {
					t.Errorf("message %d: InternalDate %v, want it clamped to the append time %v", i, got, appended)
				}
				continue
			}
			if !got.Truncate(time.Second).Equal(d.Truncate(time.Second)) {
				t.Errorf("message %d: InternalDate %v, want %v", i, got, d.Truncate(time.Second))
			}
		}
	}
	t.Run("SameSession", func(t *testing.T) { check(t, mb) })
	closeBox(t, mb)
	t.Run("Reopened", func(t *testing.T) {
		mb := e.open(t, "dates", store.ReadOnly)
		defer closeBox(t, mb)
		check(t, mb)
	})
}
