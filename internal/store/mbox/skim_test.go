package mbox

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// scanResult is what a scan gives of one message: the part the Box
// keeps, the header handed out and whether the body was skimmed.
type scanResult struct {
	m       msg
	hdr     string
	key     uint64
	skimmed bool
}

// scanData scans data (computing identity keys) with guide g; nil g
// reads every body.
func scanData(data []byte, g guide) ([]scanResult, error) {
	r := bytes.NewReader(data)
	s := newScanner(r, 0, "box")
	s.keyed, s.guide, s.end = true, g, int64(len(data))
	s.jr = jumpReader{r: r, end: s.end}
	var out []scanResult
	_, err := s.scanMessages(nil, true, 1, func(sc *scanned) error {
		out = append(out, scanResult{m: sc.msg, hdr: string(sc.header), key: sc.skimKey, skimmed: sc.skimmed})
		return nil
	})
	return out, err
}

// guideOf is the guide a scan of data leaves.
func guideOf(data []byte) guide {
	g := guide{}
	r := bytes.NewReader(data)
	s := newScanner(r, 0, "box")
	s.keyed = true
	s.scanMessages(nil, true, 1, func(sc *scanned) error {
		g.add(sc)
		return nil
	})
	return g
}

// sameScan fails unless a guided scan found what a full scan finds.
func sameScan(t *testing.T, guided, full []scanResult) {
	t.Helper()
	if len(guided) != len(full) {
		t.Fatalf("guided scan found %d messages, a full scan %d", len(guided), len(full))
	}
	for i := range full {
		if guided[i].m != full[i].m || guided[i].hdr != full[i].hdr {
			t.Errorf("message %d: guided %+v, full %+v", i, guided[i].m, full[i].m)
		}
	}
}

func skimmedCount(rs []scanResult) int {
	n := 0
	for _, r := range rs {
		if r.skimmed {
			n++
		}
	}
	return n
}

const skimBase = "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nMessage-ID: <1@x>\n\nbody one\n>From here\n\n" +
	"From a@b Mon Jan  1 10:00:01 2024\nSubject: empty\nMessage-ID: <2@x>\n\n" +
	"From a@b Mon Jan  1 10:00:02 2024\r\nSubject: crlf\r\nMessage-ID: <3@x>\r\n\r\nline\r\n\r\n" +
	"From a@b Mon Jan  1 10:00:03 2024\nSubject: nosep\nMessage-ID: <4@x>\n\nno blank line before the next\n" +
	"From a@b Mon Jan  1 10:00:04 2024\nSubject: five\nStatus: O\nMessage-ID: <5@x>\n\nfive\n\n" +
	"From a@b Mon Jan  1 10:00:05 2024\nSubject: last\nMessage-ID: <6@x>\n\nends without a line end"

// TestSkim: a scan guided by an earlier scan's guide finds exactly what
// a full scan of the changed file finds, skipping the bodies it knows and
// reading the others: flags changed (headers grown and shrunk), messages
// removed, added and reordered, bodies changed in length, messages whose
// identity is shared by two different bodies.
func TestSkim(t *testing.T) {
	g := guideOf([]byte(skimBase))
	cases := []struct {
		name    string
		file    string
		skimmed int // bodies skipped
	}{
		{"unchanged", skimBase, 6},
		{"flags set", strings.NewReplacer("Subject: one\n", "Subject: one\nStatus: RO\nX-Status: AF\n",
			"Status: O\n", "Status: RO\nX-Keywords: $Junk\n").Replace(skimBase), 6},
		{"flags cleared", strings.Replace(skimBase, "Status: O\n", "", 1), 6},
		{"first removed", skimBase[strings.Index(skimBase, "From a@b Mon Jan  1 10:00:01"):], 5},
		{"middle removed", strings.Replace(skimBase, "From a@b Mon Jan  1 10:00:02 2024\r\nSubject: crlf\r\nMessage-ID: <3@x>\r\n\r\nline\r\n\r\n", "", 1), 5},
		{"appended", skimBase + "\n\nFrom c@d Tue Jan  2 00:00:00 2024\nSubject: new\n\nnew body\n", 5},
		{"body longer", strings.Replace(skimBase, "body one\n", "body one, longer now\n", 1), 5},
		{"body shorter", strings.Replace(skimBase, "five\n\n", "\n\n", 1), 5},
		{"next message joins this body", strings.Replace(skimBase, "line\r\n\r\n", "line\r\n\r", 1), 4},
		{"body now holds a message", strings.Replace(skimBase, "no blank line before the next\n",
			"no\nFrom x@y Mon Jan  1 11:00:00 2024\nSubject: hidden\n\nhi\n", 1), 5},
		{"blank line where the body ended, no From_ line", strings.Replace(skimBase, "body one\n>From here\n\n", "body one\n>From he\n\n\n\nxyz\n\n", 1), 5},
		{"From_ in mid-line where the body ended", strings.Replace(skimBase, "before the next\n", "before the next!From x@y Mon Jan  1 11:00:00 2024\nmore\n", 1), 5},
		{"separator where there was none", strings.Replace(skimBase, "before the next\n", "before the nex\n\n", 1), 5},
		{"last message grown", skimBase + "\nmore text", 5},
		{"last message cut", skimBase[:len(skimBase)-5], 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			full, err := scanData([]byte(c.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			guided, err := scanData([]byte(c.file), g)
			if err != nil {
				t.Fatal(err)
			}
			sameScan(t, guided, full)
			if n := skimmedCount(guided); n != c.skimmed {
				t.Errorf("%d bodies skimmed, want %d", n, c.skimmed)
			}
		})
	}
}

// TestSkimAmbiguous: two messages with one identity and bodies of
// different lengths are never skimmed; with bodies of one length they
// are (the bodies' bytes are not compared: doc/design/mbox.md,
// "Skimming a changed file").
func TestSkimAmbiguous(t *testing.T) {
	one := "From a@b Mon Jan  1 10:00:00 2024\nSubject: same\n\n"
	for _, c := range []struct {
		a, b    string
		skimmed int
	}{{"short\n\n", "longer body\n\n", 0}, {"body A\n\n", "body B\n\n", 2}} {
		file := one + c.a + one + c.b
		full, _ := scanData([]byte(file), nil)
		guided, err := scanData([]byte(file), guideOf([]byte(file)))
		if err != nil {
			t.Fatal(err)
		}
		sameScan(t, guided, full)
		if n := skimmedCount(guided); n != c.skimmed {
			t.Errorf("bodies %q and %q: %d skimmed, want %d", c.a, c.b, n, c.skimmed)
		}
	}
}

// TestSkimLarge: a box of 2,000 messages with flags changed in every
// tenth and a few removed reads as a full scan reads it, touching only
// the headers of the messages it knows.
func TestSkimLarge(t *testing.T) {
	msgs := make([]string, 2000)
	for i := range msgs {
		msgs[i] = fmt.Sprintf("From a@b Mon Jan  1 10:00:00 2024\nMessage-ID: <%d@x>\nSubject: s%d\n\n%s\n", i, i, strings.Repeat("text line\n", i%50))
	}
	g := guideOf([]byte(strings.Join(msgs, "")))
	var changed strings.Builder
	for i, m := range msgs {
		switch {
		case i%97 == 5:
			continue // removed
		case i%10 == 0:
			m = strings.Replace(m, "\n\n", "\nStatus: RO\n\n", 1)
		}
		changed.WriteString(m)
	}
	full, err := scanData([]byte(changed.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	guided, err := scanData([]byte(changed.String()), g)
	if err != nil {
		t.Fatal(err)
	}
	sameScan(t, guided, full)
	if n := skimmedCount(guided); n != len(full) {
		t.Errorf("%d of %d bodies skimmed", n, len(full))
	}
}

// FuzzSkim: for any file and any earlier file whose scan left the guide,
// a guided scan finds what a full scan finds, unless a body it skipped
// is not, byte for byte, a body the earlier file had under the same
// identity: the one thing a skim takes on trust.
func FuzzSkim(f *testing.F) {
	f.Add([]byte(skimBase), []byte(skimBase))
	f.Add([]byte(skimBase), []byte(strings.Replace(skimBase, "Subject: one\n", "Subject: one\nStatus: RO\n", 1)))
	f.Add([]byte(skimBase), []byte(strings.Replace(skimBase, "before the next\n", "before the next!From x@y Mon Jan  1 11:00:00 2024\nmore\n", 1)))
	f.Add([]byte(skimBase), []byte(skimBase[40:]))
	f.Fuzz(func(t *testing.T, old, data []byte) {
		full, errF := scanData(data, nil)
		guided, errG := scanData(data, guideOf(old))
		if (errF == nil) != (errG == nil) {
			t.Fatalf("full scan: %v; guided scan: %v", errF, errG)
		}
		if errF != nil {
			return
		}
		known := map[uint64][]string{}
		if prev, err := scanData(old, nil); err == nil {
			for _, r := range prev {
				known[r.key] = append(known[r.key], string(old[r.m.bodyStart:r.m.end]))
			}
		}
		for _, r := range guided {
			if r.skimmed && !slices.Contains(known[r.key], string(data[r.m.bodyStart:r.m.end])) {
				return // a body changed behind an unchanged header and length
			}
		}
		sameScan(t, guided, full)
	})
}
