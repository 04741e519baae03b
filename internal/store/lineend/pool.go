package lineend

import (
	"bufio"
	"io"
	"sync"
)

// readerSize is the buffer size of pooled readers: most messages fit, so
// a message is read with one or two system calls.
const readerSize = 64 << 10

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readerSize) }}

// PooledReader returns a buffered reader of r from a pool; give it back
// with ReleaseReader when done. It saves allocating (and zeroing) a
// buffer per message file.
func PooledReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// ReleaseReader returns a reader from PooledReader to the pool.
func ReleaseReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

// OpenCRLF returns a reader of the file f in CRLF form over a pooled
// buffer; its Close closes f and gives the buffer back.
func OpenCRLF(f io.ReadCloser) *CRLFReader {
	return &CRLFReader{r: PooledReader(f), c: f, pooled: true}
}
