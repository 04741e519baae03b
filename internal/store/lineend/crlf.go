// Package lineend converts message text between the LF line ends that
// local mail files keep (Maildir, MH) and the CRLF wire form the store
// interfaces carry.
package lineend

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// NewCRLFReader returns a reader of r in CRLF form; Close closes c.
func NewCRLFReader(r *bufio.Reader, c io.Closer) *CRLFReader {
	return &CRLFReader{r: r, c: c}
}

// CRLFReader turns every LF not preceded by CR into CRLF: the wire form
// of a message a local file keeps with LF line ends.
type CRLFReader struct {
	r       *bufio.Reader
	c       io.Closer
	lastCR  bool // the previous byte delivered was CR
	pending bool // an LF is owed after an inserted CR
}

func (c *CRLFReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if c.pending {
			p[n] = '\n'
			n++
			c.pending, c.lastCR = false, false
			continue
		}
		// Copy a run without LF at once.
		buf, _ := c.r.Peek(c.r.Buffered())
		if len(buf) > 0 && buf[0] != '\n' {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				i = len(buf)
			}
			k := copy(p[n:], buf[:i])
			c.lastCR = p[n+k-1] == '\r'
			n += k
			c.r.Discard(k)
			continue
		}
		b, err := c.r.ReadByte()
		if err != nil {
			if n > 0 && errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		if b == '\n' && !c.lastCR {
			p[n] = '\r'
			n++
			c.pending = true
			continue
		}
		p[n] = b
		n++
		c.lastCR = b == '\r'
	}
	return n, nil
}

func (c *CRLFReader) Close() error { return c.c.Close() }
