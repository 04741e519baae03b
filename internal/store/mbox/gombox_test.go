package mbox

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	gombox "github.com/emersion/go-mbox"

	"github.com/mailsync/mailsync/internal/store"
)

// github.com/emersion/go-mbox (the library the design card names) reads
// and writes mbox files by simpler rules than c-client. These tests show,
// on concrete input, where its bytes differ from c-client's (which the
// package reproduces), and why the package does not use it.
// doc/design/mbox.md, "go-mbox".

// goMboxRead returns the texts go-mbox's Reader gives for data (and its
// error, if it stops with one other than io.EOF).
func goMboxRead(data string) ([]string, error) {
	r := gombox.NewReader(strings.NewReader(data))
	var out []string
	for {
		m, err := r.NextMessage()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b, err := io.ReadAll(m)
		if err != nil && err != io.EOF {
			return out, err
		}
		out = append(out, string(b))
	}
}

// ourRead returns the texts the package fetches from data (or the open
// error).
func ourRead(t *testing.T, data string) ([]string, error) {
	t.Helper()
	path := crlfBox(t, data)
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		return nil, err
	}
	defer b.Close()
	ms, err := b.Messages(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		out = append(out, fetchAll(t, b, m))
	}
	return out, nil
}

func TestGoMboxReadsOtherwise(t *testing.T) {
	const from = "From a@b Tue Nov 14 22:13:21 2023\n"
	for _, tc := range []struct {
		name, data   string
		ours, theirs []string // theirs: go-mbox's texts
	}{
		{
			// Any line starting "From " ends a message for go-mbox;
			// c-client only ends one at a valid From_ line.
			name:   "From line that is no From_ line",
			data:   from + "Subject: s\n\nbody\nFrom here on, all is well\n\n",
			ours:   []string{"Subject: s\r\n\r\nbody\r\nFrom here on, all is well\r\n"},
			theirs: []string{"Subject: s\r\n\r\nbody\r\n", ""},
		},
		{
			// go-mbox takes a quoting '>' away; c-client keeps it.
			name:   ">From in the body",
			data:   from + "Subject: s\n\n>From me\n\n",
			ours:   []string{"Subject: s\r\n\r\n>From me\r\n"},
			theirs: []string{"Subject: s\r\n\r\nFrom me\r\n"},
		},
		{
			// c-client drops every CR; go-mbox only those before a LF.
			name:   "CR inside a line",
			data:   from + "Subject: s\r\n\r\nbody\rmore\r\n\r\n",
			ours:   []string{"Subject: s\r\n\r\nbodymore\r\n"},
			theirs: []string{"Subject: s\r\n\r\nbody\rmore\r\n"},
		},
		{
			// c-client's status headers are metadata, not message text.
			name:   "status headers",
			data:   from + "Subject: s\nStatus: RO\nX-UID: 7\n\nbody\n\n",
			ours:   []string{"Subject: s\r\n\r\nbody\r\n"},
			theirs: []string{"Subject: s\r\nStatus: RO\r\nX-UID: 7\r\n\r\nbody\r\n"},
		},
		{
			// A file starting "From " without a date is no mbox for
			// c-client (5.2.7 opens it as a one-message "phile").
			name:   "first line without a date",
			data:   "From somebody\nSubject: s\n\nbody\n",
			ours:   nil,
			theirs: []string{"Subject: s\r\n\r\nbody\r\n"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours, err := ourRead(t, tc.data)
			if tc.ours == nil {
				if err == nil {
					t.Errorf("the package read %q", ours)
				}
			} else if err != nil || !equalTexts(ours, tc.ours) {
				t.Errorf("the package: %q, %v; want %q", ours, err, tc.ours)
			}
			theirs, err := goMboxRead(tc.data)
			if err != nil || !equalTexts(theirs, tc.theirs) {
				t.Errorf("go-mbox: %q, %v; this test expects %q", theirs, err, tc.theirs)
			}
			if equalTexts(theirs, ours) {
				t.Errorf("go-mbox reads %q as the package does: the package could use it here", tc.data)
			}
		})
	}
}

func equalTexts(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGoMboxWritesOtherwise(t *testing.T) {
	date := time.Date(2023, 11, 14, 22, 13, 21, 0, time.FixedZone("", 3600))
	msg := "Subject: s\r\nStatus: RO\r\n\r\nFrom me\r\nbody\rmore\r\n"

	var theirs bytes.Buffer
	w := gombox.NewWriter(&theirs)
	mw, err := w.CreateMessage("cloudsdk@vm", date)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(mw, msg)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	var ours bytes.Buffer
	if _, err := WriteAppend(&ours, env(), store.NewMessage{InternalDate: date, Size: int64(len(msg)), Body: strings.NewReader(msg)}); err != nil {
		t.Fatal(err)
	}
	// c-client's append form (doc/design/behaviour.md#writing-mbox): From_ line
	// with the date in its own zone and +zzzz, the status block, X-Original-
	// for a status header in the text, '>' before "From ", every CR dropped,
	// one separator line.
	const wantOurs = "From cloudsdk@vm Tue Nov 14 22:13:21 2023 +0100\nStatus: \nX-Status: \nX-Keywords:\n" +
		"Subject: s\nX-Original-Status: RO\n\n>From me\nbodymore\n\n"
	// go-mbox: UTC date without zone, no status block, the status
	// header kept, the CR inside the line kept, two blank lines at the
	// end.
	const wantTheirs = "From cloudsdk@vm Tue Nov 14 21:13:21 2023\n" +
		"Subject: s\nStatus: RO\n\n>From me\nbody\rmore\n\n\n"
	if ours.String() != wantOurs {
		t.Errorf("the package wrote\n%q\nwant\n%q", ours.String(), wantOurs)
	}
	if theirs.String() != wantTheirs {
		t.Errorf("go-mbox wrote\n%q\nthis test expects\n%q", theirs.String(), wantTheirs)
	}
}
