package store

import (
	"fmt"
	"io"
)

// ExactReader returns a reader of NewMessage.Body that yields exactly size
// bytes: it stops there, and fails with io.ErrUnexpectedEOF if the body
// ends sooner (a source whose connection broke mid-message). Backends
// read bodies through it, so a truncated message is never stored.
func ExactReader(r io.Reader, size int64) io.Reader {
	return &exactReader{r: r, left: size, size: size}
}

type exactReader struct {
	r          io.Reader
	left, size int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF {
		if e.left > 0 {
			return n, fmt.Errorf("message body ended after %d of %d bytes: %w", e.size-e.left, e.size, io.ErrUnexpectedEOF)
		}
		if n > 0 {
			return n, nil
		}
	}
	return n, err
}
