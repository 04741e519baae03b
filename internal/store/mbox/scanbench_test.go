package mbox

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// BenchmarkScanFile scans $MBOX_BENCH_FILE (a large mbox): through
// read(2) and from a copy in memory.
func BenchmarkScanFile(b *testing.B) {
	path := os.Getenv("MBOX_BENCH_FILE")
	if path == "" {
		b.Skip("MBOX_BENCH_FILE not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("file", func(b *testing.B) {
		for b.Loop() {
			f, _ := os.Open(path)
			s := newScanner(f, 0, path)
			ms, err := s.scanMessages(nil, true, 1, nil)
			if err != nil || len(ms) == 0 {
				b.Fatal(err)
			}
			f.Close()
		}
		b.SetBytes(int64(len(data)))
	})
	b.Run("guided", func(b *testing.B) {
		f, _ := os.Open(path)
		defer f.Close()
		g := guide{}
		s := newScanner(f, 0, path)
		s.keyed = true
		if _, err := s.scanMessages(nil, true, 1, func(sc *scanned) error {
			g.add(sc)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s := newScanner(io.NewSectionReader(f, 0, int64(len(data))), 0, path)
			s.keyed, s.guide, s.end = true, g, int64(len(data))
			s.jr = jumpReader{r: f, end: s.end}
			ms, err := s.scanMessages(nil, true, 1, func(sc *scanned) error { return nil })
			if err != nil || len(ms) == 0 {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(data)))
	})
	b.Run("memory", func(b *testing.B) {
		for b.Loop() {
			s := newScanner(bytes.NewReader(data), 0, path)
			ms, err := s.scanMessages(nil, true, 1, nil)
			if err != nil || len(ms) == 0 {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(data)))
	})
}

// TestIndexFromLine: indexFromLine finds what bytes.Index of "\nFrom "
// finds, on "From " with and without a line end before it.
func TestIndexFromLine(t *testing.T) {
	for _, s := range []string{"", "From a", "x\nFrom a", "xFrom a\nFrom b", "From From \nFrom ", "\nFrom", "a\nFrom", "FFrom \n\nFrom x", "\n\r\nFrom x"} {
		if got, want := indexFromLine([]byte(s)), bytes.Index([]byte(s), []byte("\nFrom ")); got != want {
			t.Errorf("indexFromLine(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestLineCRLFLen: lineCRLFLen is crlfLen on lines with and without CRs
// anywhere and a line end or not.
func TestLineCRLFLen(t *testing.T) {
	for _, l := range []string{"", "\n", "\r\n", "a\r\n", "Subject: x\n", "a\rb\rc\r\n", "\r", "no end", "x\r\r\n", "\r\r\r"} {
		if got, want := lineCRLFLen([]byte(l)), crlfLen([]byte(l)); got != want {
			t.Errorf("%q: %d, want %d", l, got, want)
		}
	}
}

// TestWantedFirst: the first-byte test of wanted changes none of its
// answers, the long s (U+017F, which bytes.EqualFold takes for an s)
// included.
func TestWantedFirst(t *testing.T) {
	for _, l := range []string{"Subject: x\n", "subject: x\n", "\u017fubject: x\n", "SUBJECT : x\n", "Received: x\n",
		"message-id: <a>\n", "To: a\n", "tO: a\n", "From: a\n", "Date: d\n", "X-Date: d\n", ": x\n", "\n"} {
		slow := false
		if i := bytes.IndexByte([]byte(l), ':'); i > 0 {
			name := bytes.TrimRight([]byte(l)[:i], " \t")
			for _, f := range headerFields {
				slow = slow || bytes.EqualFold(name, []byte(f))
			}
		}
		if got := wanted([]byte(l)); got != slow {
			t.Errorf("wanted(%q) = %v, want %v", l, got, slow)
		}
	}
}
