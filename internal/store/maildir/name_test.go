package maildir

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

func TestScanContentAndCRLF(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct{ name, in, header, crlf string }{
		{"lf", "A: 1\nB: 2\n\nbody\n", "A: 1\nB: 2\n\n", "A: 1\r\nB: 2\r\n\r\nbody\r\n"},
		{"crlf", "A: 1\r\n\r\nbody\r\n", "A: 1\r\n\r\n", "A: 1\r\n\r\nbody\r\n"},
		{"no blank line", "A: 1\nB: 2\n", "A: 1\nB: 2\n\n", "A: 1\r\nB: 2\r\n"},
		{"no final newline", "A: 1", "A: 1\n\n", "A: 1"},
		{"bare CR kept", "A: 1\r2\n\nx", "A: 1\r2\n\n", "A: 1\r2\r\n\r\nx"},
		{"empty", "", "\n", ""},
		{"long line", "A: " + long + "\n\n" + long, "A: " + long + "\n\n", "A: " + long + "\r\n\r\n" + long},
		{"CR at buffer edge", "A: " + long[:4093] + "\r\n\nb\n", "A: " + long[:4093] + "\r\n\n", "A: " + long[:4093] + "\r\n\r\nb\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size, hdr, err := lineend.ScanContent(bufio.NewReaderSize(strings.NewReader(c.in), 16), false)
			if err != nil || string(hdr) != c.header || size != int64(len(c.crlf)) {
				t.Errorf("scanContent = %d, %q, %v; want %d, %q", size, hdr, err, len(c.crlf), c.header)
			}
			got, err := io.ReadAll(lineend.NewCRLFReader(bufio.NewReaderSize(strings.NewReader(c.in), 16), io.NopCloser(nil)))
			if err != nil || string(got) != c.crlf {
				t.Errorf("crlf = %q, %v; want %q", got, err, c.crlf)
			}
		})
	}
}

func TestLFWriter(t *testing.T) {
	cases := []struct {
		in, want string
		bare     int64
	}{
		{"a\r\nb\r\n", "a\nb\n", 2},
		{"a\nb", "a\nb", 1},
		{"a\rb\r", "a\rb\r", 0},
		{"a\r\r\n", "a\r\n", 0},
		{"\r\n\r\n", "\n\n", 2},
	}
	for _, c := range cases {
		var sb strings.Builder
		w := lineend.NewLFWriter(&sb)
		for i := 0; i < len(c.in); i++ { // byte by byte: a CR held across writes
			if _, err := w.Write([]byte{c.in[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if sb.String() != c.want || w.N != int64(len(c.want)) || w.BareLF != c.bare {
			t.Errorf("lfWriter(%q) = %q n=%d bare=%d; want %q bare=%d", c.in, sb.String(), w.N, w.BareLF, c.want, c.bare)
		}
	}
}

func TestParseName(t *testing.T) {
	cases := []struct {
		sub, name   string
		uniq, info  string
		sec, usec   int64
		size, vsize int64
		flags       store.Flags
		before      string // a name that sorts after this one
	}{
		{"cur", "1700000000.M123P45Q6.host,S=10,W=12:2,DFRST", "1700000000.M123P45Q6.host,S=10,W=12", "DFRST", 1700000000, 123, 10, 12,
			store.Draft | store.Flagged | store.Answered | store.Seen | store.Deleted, "1700000000.M124P1.host"},
		{"new", "1700000000.V803I1234M99.host", "1700000000.V803I1234M99.host", "", 1700000000, 99, -1, -1, store.Recent, "1700000000.M100.h"},
		{"cur", "abc:1,S", "abc", "", 0, 0, -1, -1, 0, "1.h"},
		{"cur", "1234.567.host:2,", "1234.567.host", "", 1234, 0, -1, -1, 0, "1234.568.host"},
	}
	for _, c := range cases {
		f := parseName(c.sub, c.name)
		if f.uniq != c.uniq || f.info != c.info || f.sec != c.sec || f.usec != c.usec || f.size != c.size || f.vsize != c.vsize || f.flags() != c.flags {
			t.Errorf("parseName(%q) = %+v flags %v", c.name, f, f.flags())
		}
		if g := parseName("cur", c.before); !f.before(&g) || g.before(&f) {
			t.Errorf("%q does not sort before %q", c.name, c.before)
		}
	}
	if got := addLetter("SRa", 'T'); got != "RSTa" {
		t.Errorf("addLetter = %q", got)
	}
	if got := letters(store.CopiedFlags); got != "DFRST" {
		t.Errorf("letters = %q", got)
	}
	if got := hostPart("a/b:c,d"); got != `a\057b\072c\054d` {
		t.Errorf("hostPart = %q", got)
	}
}

// TestLFWriterRandom compares lfWriter with the rule written byte by
// byte, on random CR/LF-heavy input cut into random writes.
func TestLFWriterRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\r\n\r\nab")
	for range 2000 {
		in := make([]byte, rnd.IntN(40))
		for i := range in {
			in[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		// Reference: drop each CR directly before an LF; count the LFs
		// of the output not preceded by a CR.
		var want []byte
		for i, c := range in {
			if c == '\r' && i+1 < len(in) && in[i+1] == '\n' {
				continue
			}
			want = append(want, c)
		}
		var bare int64
		for i, c := range want {
			if c == '\n' && (i == 0 || want[i-1] != '\r') {
				bare++
			}
		}
		var sb strings.Builder
		w := lineend.NewLFWriter(&sb)
		for rest := in; len(rest) > 0; {
			n := 1 + rnd.IntN(len(rest))
			w.Write(rest[:n])
			rest = rest[n:]
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if sb.String() != string(want) || w.BareLF != bare || w.N != int64(len(want)) {
			t.Fatalf("lfWriter(%q) = %q bare=%d n=%d; want %q bare=%d", in, sb.String(), w.BareLF, w.N, want, bare)
		}
	}
}
