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
	pooled  bool // r came from PooledReader
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
		buf, _ := c.r.Peek(c.r.Buffered())
		if len(buf) == 0 {
			if _, err := c.r.Peek(1); err != nil {
				if n > 0 && errors.Is(err, io.EOF) {
					return n, nil
				}
				return n, err
			}
			continue
		}
		// Convert what is buffered, a run without LF at once.
		used := 0
		for used < len(buf) && n < len(p) {
			if buf[used] == '\n' {
				used++
				if !c.lastCR {
					p[n] = '\r'
					n++
					if n == len(p) {
						c.pending = true // the LF goes first in the next read
						break
					}
				}
				p[n] = '\n'
				n++
				c.lastCR = false
				continue
			}
			rest := buf[used:]
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest)
			}
			k := copy(p[n:], rest[:i])
			c.lastCR = p[n+k-1] == '\r'
			n += k
			used += k
		}
		c.r.Discard(used)
	}
	return n, nil
}

// Close closes the underlying file (and gives a pooled buffer back).
func (c *CRLFReader) Close() error {
	if c.pooled && c.r != nil {
		ReleaseReader(c.r)
		c.r = nil
	}
	return c.c.Close()
}
