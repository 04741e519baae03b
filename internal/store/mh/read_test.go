package mh

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store/lineend"
)

func TestScanContentAndCRLF(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct {
		name, in, header, crlf string
	}{
		{"lf", "A: 1\nB: 2\n\nbody\n", "A: 1\nB: 2\n\n", "A: 1\r\nB: 2\r\n\r\nbody\r\n"},
		{"crlf", "A: 1\r\n\r\nbody\r\n", "A: 1\r\n\r\n", "A: 1\r\n\r\nbody\r\n"},
		{"mixed", "A: 1\r\n\nb\n", "A: 1\r\n\n", "A: 1\r\n\r\nb\r\n"},
		{"no blank line", "A: 1\nB: 2\n", "A: 1\nB: 2\n\n", "A: 1\r\nB: 2\r\n"},
		{"no final newline", "A: 1", "A: 1\n\n", "A: 1"},
		{"bare CR kept", "A: 1\r2\n\nx", "A: 1\r2\n\n", "A: 1\r2\r\n\r\nx"},
		{"empty", "", "\n", ""},
		{"leading blank line", "\nbody\n", "\n", "\r\nbody\r\n"},
		{"long line CR at buffer edge", "A: " + long[:4093] + "\r\n\nb\n", "A: " + long[:4093] + "\r\n\n", "A: " + long[:4093] + "\r\n\r\nb\r\n"},
		{"long line", "A: " + long + "\n\n", "A: " + long + "\n\n", "A: " + long + "\r\n\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size, hdr, err := lineend.ScanContent(bufio.NewReaderSize(strings.NewReader(c.in), 16), false)
			if err != nil {
				t.Fatal(err)
			}
			if string(hdr) != c.header {
				t.Errorf("header = %q, want %q", hdr, c.header)
			}
			if size != int64(len(c.crlf)) {
				t.Errorf("size = %d, want %d", size, len(c.crlf))
			}
			got, err := io.ReadAll(lineend.NewCRLFReader(bufio.NewReaderSize(strings.NewReader(c.in), 16), io.NopCloser(nil)))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.crlf {
				t.Errorf("crlf = %q, want %q", got, c.crlf)
			}
		})
	}
}

func TestLFWriter(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a\r\nb\r\n", "a\nb\n"},
		{"a\nb", "a\nb"},
		{"a\rb\r", "a\rb\r"},
		{"a\r\r\n", "a\r\n"},
	}
	for _, c := range cases {
		// Feed byte by byte to exercise a CR held across writes.
		var sb strings.Builder
		w := lineend.NewLFWriter(&sb)
		for i := 0; i < len(c.in); i++ {
			if _, err := w.Write([]byte{c.in[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if sb.String() != c.want {
			t.Errorf("lfWriter(%q) = %q, want %q", c.in, sb.String(), c.want)
		}
	}
}

func TestIsInternal(t *testing.T) {
	cases := map[string]bool{
		"1": true, "0123": true, ",5": true, ".mh_sequences": true, ".mh_sequence": true,
		"": false, ",": false, "1a": false, "inbox": false, ".x": false, "-1": false,
	}
	for name, want := range cases {
		if got := IsInternal(name); got != want {
			t.Errorf("IsInternal(%q) = %v, want %v", name, got, want)
		}
	}
}
