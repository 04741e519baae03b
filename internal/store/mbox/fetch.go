package mbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// Fetch returns the message in CRLF form without its From_ line and
// metadata headers: exactly Size bytes. Its buffers are reused by the
// next Fetch once the reader is closed or read to the end.
func (b *Box) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	if !b.scanned {
		if err := b.rescan(nil); err != nil {
			return nil, err
		}
	}
	m, err := b.lookup(key)
	if err != nil {
		return nil, err
	}
	unlock, err := b.readLock()
	if err != nil {
		return nil, err
	}
	r := &fetchReader{bufs: fetchPool.Get().(*fetchBufs), unlock: unlock}
	raw := r.bufs.raw[:0]
	if n := m.bodyStart - m.hdrStart(); n <= int64(cap(raw)) {
		raw = raw[:n]
	} else {
		raw = make([]byte, n) // a header larger than the buffer: rare
	}
	if _, err := b.f.ReadAt(raw, m.hdrStart()); err != nil {
		r.Close()
		return nil, fmt.Errorf("fetch from %s: %w", b.path, err)
	}
	out := r.bufs.hdr[:0]
	h := newHdrState()
	for len(raw) > 0 {
		i := indexLF(raw) + 1
		if i == 0 {
			i = len(raw)
		}
		if h.line(raw[:i]) {
			out = appendCRLF(out, raw[:i])
		}
		raw = raw[i:]
	}
	if cap(out) <= maxKeptBuf {
		r.bufs.hdr = out
	}
	r.hdr = out
	r.body = io.NewSectionReader(b.f, m.bodyStart, m.bodyEnd()-m.bodyStart)
	return r, nil
}

// fetchBufs are the buffers of one fetchReader, reused through fetchPool.
type fetchBufs struct {
	raw []byte // bytes read from the file
	out []byte // raw converted to CRLF
	hdr []byte // the converted header
}

// maxKeptBuf bounds a buffer that goes back to the pool (one grown for a
// huge header is dropped).
const maxKeptBuf = 1 << 20

var fetchPool = sync.Pool{New: func() any { return &fetchBufs{raw: make([]byte, 32<<10)} }}

// fetchReader yields the converted header, then the body converted on the fly.
type fetchReader struct {
	hdr    []byte
	body   *io.SectionReader
	pend   []byte
	bufs   *fetchBufs // nil once given back
	unlock func()
	err    error // the body's end (io.EOF) or read error, once met
}

func (r *fetchReader) Read(p []byte) (int, error) {
	if len(r.hdr) > 0 {
		n := copy(p, r.hdr)
		r.hdr = r.hdr[n:]
		return n, nil
	}
	for len(r.pend) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		raw := r.bufs.raw[:cap(r.bufs.raw)]
		n, err := r.body.Read(raw)
		r.bufs.out = appendCRLF(r.bufs.out[:0], raw[:n])
		r.pend = r.bufs.out
		if err != nil {
			r.err = err
		}
	}
	n := copy(p, r.pend)
	r.pend = r.pend[n:]
	if len(r.pend) == 0 && r.err != nil {
		r.release()
	}
	return n, nil
}

// release gives the buffers back to the pool.
func (r *fetchReader) release() {
	if r.bufs != nil {
		fetchPool.Put(r.bufs)
		r.bufs = nil
	}
}

func (r *fetchReader) Close() error {
	r.hdr, r.pend = nil, nil
	if r.err == nil {
		r.err = os.ErrClosed
	}
	r.release()
	if r.unlock != nil {
		r.unlock()
		r.unlock = nil
	}
	return nil
}

// appendCRLF appends s to dst with CRs removed and LFs turned into CRLF.
func appendCRLF(dst, s []byte) []byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n')
		line := s
		if i >= 0 {
			line = s[:i]
		}
		if bytes.IndexByte(line, '\r') < 0 {
			dst = append(dst, line...)
		} else {
			for _, b := range line {
				if b != '\r' {
					dst = append(dst, b)
				}
			}
		}
		if i < 0 {
			break
		}
		dst = append(dst, '\r', '\n')
		s = s[i+1:]
	}
	return dst
}
