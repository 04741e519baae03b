package mbox

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestRestatus: the status lines of a changed message say its flags in
// c-client's bytes, in place, missing ones added where c-client and mutt
// put them, every other byte kept.
func TestRestatus(t *testing.T) {
	const seen, old = store.Seen, store.Flags(0)
	rec := store.Recent
	for _, c := range []struct {
		name, h string
		f       store.Flags
		from    string
		want    string
	}{
		{"both present", "Subject: a\nStatus: RO\nX-Status: F\nX-Keywords: k\nX-UID: 7\n\n", old | store.Answered,
			"\n", "Subject: a\nStatus: O\nX-Status: A\nX-Keywords: k\nX-UID: 7\n\n"},
		{"none, recent", "Subject: a\nTo: b\n\n", rec | seen | store.Flagged | store.Draft,
			"\n", "Subject: a\nTo: b\nStatus: R\nX-Status: FT\n\n"},
		{"only Status", "Status: O\nSubject: a\n\n", old | seen,
			"\n", "Status: RO\nSubject: a\nX-Status: \n\n"},
		{"only X-Status", "X-Status: A\nSubject: a\n\n", rec,
			"\n", "X-Status: \nSubject: a\nStatus: \n\n"},
		{"all of them", "\n", old | store.SyncedFlags | store.Deleted,
			"\n", "Status: RO\nX-Status: DFAT\n\n"},
		{"CRLF", "Subject: a\r\nStatus: O\r\n\r\n", old | seen,
			"\r\n", "Subject: a\r\nStatus: RO\r\nX-Status: \r\n\r\n"},
		{"duplicates", "Status: R\nX-Status: F\nStatus: RO\nX-Status: A\n\n", old | store.Draft,
			"\n", "Status: O\nX-Status: T\nStatus: O\nX-Status: T\n\n"},
		{"D in Status, O in X-Status", "Status: D\nX-Status: O\n\n", old | store.Deleted | seen,
			"\n", "Status: RO\nX-Status: D\n\n"},
		{"continuation kept", "Subject: a\n b\nStatus: O\n hidden\n\n", old | seen,
			"\n", "Subject: a\n b\nStatus: RO\n hidden\nX-Status: \n\n"},
		{"file ends in the header after a LF", "Subject: a\n", rec | seen,
			"\n", "Subject: a\nStatus: R\nX-Status: \n"},
		{"file ends in the header mid-line", "Subject: a\nTo: b", rec | seen,
			"\n", "Subject: a\nStatus: R\nX-Status: \nTo: b"},
		{"mid-line in a folded field", "Subject: a\nTo: b\n c", rec | seen,
			"\n", "Subject: a\nStatus: R\nX-Status: \nTo: b\n c"},
		{"unfinished Status line", "Subject: a\nStatus: O", old | store.Flagged,
			"\n", "Subject: a\nX-Status: F\nStatus: O"},
		{"empty header", "", rec | seen, "\n", "Status: R\nX-Status: \n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := restatus([]byte("kept:"), []byte(c.h), c.f, nil, []byte(c.from))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "kept:"+c.want {
				t.Errorf("got  %q\nwant %q", got, "kept:"+c.want)
			}
		})
	}
	if _, err := restatus(nil, []byte(" folded\n cut"), rec, nil, []byte("\n")); err == nil {
		t.Error("a header of continuation lines without end: no error")
	}
}

// TestRestatusAsCClient: the status lines restatus writes for a message
// that had none are the first two lines of c-client's status block
// (xstatus, the transcription of unix_xstatus used for the msinfo), for
// every combination of flags.
func TestRestatusAsCClient(t *testing.T) {
	rf := &rawFile{}
	for f := store.Flags(0); f <= store.CopiedFlags; f++ {
		if f&^store.CopiedFlags != 0 {
			continue
		}
		got, err := restatus(nil, []byte("Subject: s\n\n"), f, nil, []byte("\n"))
		if err != nil {
			t.Fatal(err)
		}
		block := rf.xstatus(rawMessage{Flags: f}, false)
		lines := strings.SplitAfterN(string(block), "\n", 3)
		want := "Subject: s\n" + lines[0] + lines[1] + "\n"
		if string(got) != want {
			t.Errorf("flags %v: got %q, c-client %q", f, got, want)
		}
	}
}

// TestRestatusReadsBack: over generated headers and flags, restatus's
// result reads back as the flags asked for, with the message size kept
// (it checks this itself; here no header makes it fail).
func TestRestatusReadsBack(t *testing.T) {
	parts := []string{"Subject: x\n", "Status: RO\n", "X-Status: DF\n", "status: lower\n", " cont\n", "X-Keywords: a b\n",
		"X-UID: 3\n", "Status: \r\n", "To: y\r\n", "X-Status:A\n", "\tfold\n", "From: z\n"}
	ends := []string{"\n", "\r\n", "", "To: cut", "Status: R"}
	n := 0
	for i := range 4000 {
		var h bytes.Buffer
		k := i
		for range i % 6 {
			h.WriteString(parts[k%len(parts)])
			k = k*7 + 3
		}
		h.WriteString(ends[i%len(ends)])
		f := store.Flags(i*13) & (store.CopiedFlags | store.Recent)
		if _, err := restatus(nil, h.Bytes(), f, nil, []byte("\n")); err != nil {
			if strings.HasPrefix(h.String(), " ") || strings.HasPrefix(h.String(), "\t") {
				continue // no place for the lines: refused, as it must be
			}
			t.Fatalf("%q, flags %v: %v", h.String(), f, err)
		}
		n++
	}
	if n < 3000 {
		t.Errorf("only %d headers rewritten", n)
	}
}
