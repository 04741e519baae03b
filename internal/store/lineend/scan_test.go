package lineend

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestHeaderTapAgreesWithScanContent: the header a writer sees on its way
// to the file is the one ScanContent reads back from the file, or none.
func TestHeaderTapAgreesWithScanContent(t *testing.T) {
	msgs := []string{
		"Subject: a\nFrom: b\n\nbody\n",
		"Subject: a\r\nFrom: b\r\n\r\nbody\r\n",
		"\nbody only\n",
		"\r\nbody only\n",
		"Subject: no body\n",
		"Subject: no newline",
		"",
		"Subject: cr\r\r\nX: y\n\nbody",
		"Subject: " + strings.Repeat("long ", 3000) + "\n\nbody\n",
		"A: b\n" + strings.Repeat("X-Long: 0123456789\n", 200) + "\nbody\n",
	}
	for _, msg := range msgs {
		for _, chunk := range []int{1, 3, 7, 4096} {
			for _, limit := range []int{16, 1024, 1 << 16} {
				tap := &HeaderTap{Max: limit}
				for p := msg; len(p) > 0; {
					n := min(chunk, len(p))
					tap.Write([]byte(p[:n]))
					p = p[n:]
				}
				got, ok := HeaderOf(tap.Buf, len(tap.Buf) == len(msg))
				_, want, _ := ScanContent(bufio.NewReader(strings.NewReader(msg)), true)
				if ok && !bytes.Equal(got, want) {
					t.Errorf("%q (chunks %d, max %d): tap header %q, file header %q", msg, chunk, limit, got, want)
				}
				if !ok && limit == 1<<16 {
					t.Errorf("%q (chunks %d): no header from a 64 KiB tap", msg, chunk)
				}
			}
		}
	}
}

// TestHeaderTapRandom: random messages of line ends, CRs and blanks,
// written in random pieces, give the tap the header ScanContent reads.
func TestHeaderTapRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("a\r\n\n: ")
	for i := 0; i < 5000; i++ {
		msg := randomText(rng, alphabet, 200)
		tap := &HeaderTap{Max: 1 << 16}
		for p := msg; len(p) > 0; {
			n := min(1+rng.IntN(40), len(p))
			tap.Write(p[:n])
			p = p[n:]
		}
		got, ok := HeaderOf(tap.Buf, len(tap.Buf) == len(msg))
		_, want, _ := ScanContent(bufio.NewReader(bytes.NewReader(msg)), true)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("%q: tap header %q (%v), file header %q", msg, got, ok, want)
		}
	}
}

// TestScanContentSize: the wire size counts every LF not preceded by CR
// twice, also where a CRLF or the header's end straddles buffers.
func TestScanContentSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\r\n\n: ")
	for i := 0; i < 3000; i++ {
		msg := randomText(rng, alphabet, 300)
		want := int64(len(msg))
		for j, c := range msg {
			if c == '\n' && (j == 0 || msg[j-1] != '\r') {
				want++
			}
		}
		for _, size := range []int{16, 17, 64, 4096} {
			got, _, err := ScanContent(bufio.NewReaderSize(bytes.NewReader(msg), size), false)
			if err != nil || got != want {
				t.Fatalf("%q (buffer %d): size %d, %v; want %d", msg, size, got, err, want)
			}
		}
	}
}

// TestCRLFReaderRandom: every LF not preceded by CR gains one, whatever
// the buffer and read sizes.
func TestCRLFReaderRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab\r\n\n")
	for i := 0; i < 2000; i++ {
		msg := randomText(rng, alphabet, 200)
		var want []byte
		for j, c := range msg {
			if c == '\n' && (j == 0 || msg[j-1] != '\r') {
				want = append(want, '\r')
			}
			want = append(want, c)
		}
		for _, size := range []int{16, 4096} {
			for _, chunk := range []int{1, 2, 7, 512} {
				r := NewCRLFReader(bufio.NewReaderSize(bytes.NewReader(msg), size), io.NopCloser(nil))
				var got []byte
				p := make([]byte, chunk)
				for {
					n, err := r.Read(p)
					got = append(got, p[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%q (buffer %d, reads of %d): %q, want %q", msg, size, chunk, got, want)
				}
			}
		}
	}
}

// randomText is up to max-1 bytes drawn from alphabet.
func randomText(rng *rand.Rand, alphabet []byte, max int) []byte {
	b := make([]byte, rng.IntN(max))
	for j := range b {
		b[j] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}
