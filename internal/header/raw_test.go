package header

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

// The reference: 5.2.7's (c-client's) splitting of a whole header into
// logical lines, which the functions of this package once used directly;
// eachRaw + parseRaw must give the same lines.
// lines splits hdr into logical header lines as 5.2.7 (c-client's
// rfc822_parse_msg_full) does: every CR is dropped (also a lone one), a
// line break followed by a space or tab continues the line (the break
// itself vanishes, the space/tab stays), every tab becomes a space, and a
// NUL byte ends the logical line. Lines without a
// ':' are dropped. Reading stops at the first empty line.
func lines(hdr []byte) []line {
	var out []line
	i, n := 0, len(hdr)
	for i < n && hdr[i] != '\n' && !(hdr[i] == '\r' && i+1 < n && hdr[i+1] == '\n') {
		var b []byte
		for i < n {
			c := hdr[i]
			i++
			if c == '\r' {
				continue
			}
			if c == '\n' {
				if i >= n || (hdr[i] != ' ' && hdr[i] != '\t') {
					break
				}
				continue
			}
			if c == 0 {
				break
			}
			if c == '\t' {
				c = ' '
			}
			b = append(b, c)
		}
		if l, ok := splitLine(b); ok {
			out = append(out, l)
		}
	}
	return out
}

func refGetAll(hdr []byte, name string) []string {
	var out []string
	for _, l := range lines(hdr) {
		if sameName(l.name, name) {
			out = append(out, l.value)
		}
	}
	return out
}

var rawSeeds = []string{
	"Subject: a\nFrom: b <c@d>\n\nbody",
	"Sub ject: x\nSubject\t: y\n\tfolded\r\nTo: z@w\r\n\r\n",
	"From: a@b\x00Subject: hidden\nX: y\n\n",
	">From: q@r\nFrom: s@t\n to@u\n\n",
	"Message-ID: <1@2>\n Message-ID: <3@4>\nmessage-id:<5@6>\n",
	"no colon\nDate: Mon, 1 Jan 2024\n\nDate: later\n",
	"\r\nSubject: after empty\n",
	"Subject:\n\n",
	"X:\r\n\r\n",
	"x: lower\nsubject: lower\nmESSAGE-id: <7@8>\n\n",
	"Message\r\n -ID: <9@10>\n\n",
}

var rawNames = []string{"Subject", "From", "To", "Date", "Message-ID", "X", "Sub ject", ">From"}

func checkRaw(t *testing.T, hdr []byte) {
	var got []line
	eachRaw(hdr, func(raw []byte) bool {
		if l, ok := parseRaw(raw); ok {
			got = append(got, l)
		}
		return true
	})
	if want := lines(hdr); !slices.Equal(got, want) {
		t.Fatalf("%q: eachRaw+parseRaw %q, lines %q", hdr, got, want)
	}
	sel := Select(hdr, []string{"Message-ID", "Date", "Subject", "From", "To"})
	for _, name := range rawNames {
		want := refGetAll(hdr, name)
		if g := GetAll(hdr, name); !slices.Equal(g, want) {
			t.Fatalf("%q: GetAll(%q) %q, want %q", hdr, name, g, want)
		}
		v, ok := Get(hdr, name)
		if ok != (len(want) > 0) || ok && v != want[0] {
			t.Fatalf("%q: Get(%q) %q %v, want %q", hdr, name, v, ok, want)
		}
		if b, ok := AppendValue([]byte("pre"), hdr, name); ok != (len(want) > 0) || ok && string(b) != "pre"+want[0] || !ok && string(b) != "pre" {
			t.Fatalf("%q: AppendValue(%q) %q %v, want %q", hdr, name, b, ok, want)
		}
		switch name {
		case "Message-ID", "Date", "Subject", "From", "To":
			if g := refGetAll(sel, name); !slices.Equal(g, want) {
				t.Fatalf("%q: Select keeps %q of %q, want %q (selected %q)", hdr, g, name, want, sel)
			}
		}
	}
	for _, name := range []string{"From", "To"} {
		if g, w := AddrSpecs(sel, name), AddrSpecs(hdr, name); !slices.Equal(g, w) {
			t.Fatalf("%q: AddrSpecs(%q) of the selection %q, want %q", hdr, name, g, w)
		}
	}
	d := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if g, w := Summary(d, sel), Summary(d, hdr); g != w {
		t.Fatalf("%q: Summary of the selection %q, want %q", hdr, g, w)
	}
	if g, w := FromLocal(sel), FromLocal(hdr); g != w {
		t.Fatalf("%q: FromLocal of the selection %q, want %q", hdr, g, w)
	}
	if !bytes.HasSuffix(sel, []byte("\n")) {
		t.Fatalf("%q: selection %q does not end with a line break", hdr, sel)
	}
}

// TestAppendValueAllocations: message identity runs AppendValue for every
// message: with room in dst it allocates nothing.
func TestAppendValueAllocations(t *testing.T) {
	hdr := []byte("From: Carol <c@x>\nTo: v@y\nSubject: Re: lunch\nMessage-ID: <1@x>\n\n")
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf, _ = AppendValue(buf[:0], hdr, "Message-ID") }); n != 0 {
		t.Errorf("AppendValue makes %v allocations, want 0", n)
	}
	if string(buf) != "<1@x>" {
		t.Errorf("value %q", buf)
	}
}

func TestRawAgreesWithLines(t *testing.T) {
	for _, s := range rawSeeds {
		checkRaw(t, []byte(s))
	}
}

func FuzzRawLines(f *testing.F) {
	for _, s := range rawSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, hdr []byte) { checkRaw(t, hdr) })
}
