package lineend

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ScanContent returns the wire size of a message (every LF not preceded
// by CR counts two bytes) and its header section: the lines up to and
// including the first empty line; a message without an empty line is all
// header, and the returned header then gets an empty line appended. With
// headerOnly it stops after the header and the size is meaningless.
func ScanContent(r *bufio.Reader, headerOnly bool) (int64, []byte, error) {
	return ScanContentInto(nil, r, headerOnly)
}

// ScanContentInto is ScanContent appending the header section to dst
// (a buffer to reuse) and returning the extended slice.
func ScanContentInto(dst []byte, r *bufio.Reader, headerOnly bool) (int64, []byte, error) {
	var (
		size   int64
		header = dst[:0]
		inHdr  = true
		prevCR bool   // the previous piece ended with CR
		start  = true // the next piece starts a line
	)
	for {
		// ReadSlice stops at LF or when its buffer is full, so a long
		// line may arrive in pieces; prevCR carries a CR across them.
		line, err := r.ReadSlice('\n')
		if k := len(line); k > 0 {
			size += int64(k)
			if line[k-1] == '\n' && !(k >= 2 && line[k-2] == '\r' || k == 1 && prevCR) {
				size++
			}
			if inHdr {
				header = append(header, line...)
				inHdr = !(start && isEmptyLine(line))
				if !inHdr {
					if headerOnly {
						return size, header, nil
					}
					n, err := bodySize(r)
					return size + n, header, err
				}
			}
			prevCR = line[k-1] == '\r'
			start = line[k-1] == '\n'
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if inHdr {
				if len(header) > 0 && header[len(header)-1] != '\n' {
					header = append(header, '\n')
				}
				header = append(header, '\n')
			}
			return size, header, nil
		default:
			return 0, nil, err
		}
	}
}

// bodySize returns the wire size of what r holds from the start of a
// line to the end: its length plus one for every LF not preceded by CR,
// counted over whole buffers at once.
func bodySize(r *bufio.Reader) (int64, error) {
	var size int64
	prevCR := false
	for {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return size, nil
				}
				return 0, err
			}
		}
		buf, _ := r.Peek(r.Buffered())
		size += int64(len(buf) + bytes.Count(buf, lf) - bytes.Count(buf, crlf))
		if prevCR && buf[0] == '\n' {
			size-- // the CR ended the previous buffer
		}
		prevCR = buf[len(buf)-1] == '\r'
		r.Discard(len(buf))
	}
}

var lf, crlf = []byte("\n"), []byte("\r\n")

// isEmptyLine reports whether line is "\n" or "\r\n".
func isEmptyLine(line []byte) bool {
	return bytes.Equal(line, []byte("\n")) || bytes.Equal(line, []byte("\r\n"))
}

// HeaderOf returns the header section ScanContent returns for a message
// whose first bytes are prefix (the whole message when whole), and false
// when prefix ends before the header section does.
func HeaderOf(prefix []byte, whole bool) ([]byte, bool) {
	return HeaderOfInto(nil, prefix, whole)
}

// HeaderOfInto is HeaderOf appending the header section to dst (a buffer
// to reuse).
func HeaderOfInto(dst, prefix []byte, whole bool) ([]byte, bool) {
	br := PooledReader(bytes.NewReader(prefix))
	_, hdr, err := ScanContentInto(dst, br, true)
	ReleaseReader(br)
	if err != nil {
		return nil, false
	}
	// Without an empty line in prefix, ScanContent returns all of it
	// plus an empty line: longer than prefix.
	return hdr, whole || len(hdr) <= len(prefix)
}

// HeaderTap is a writer that keeps the first bytes written to it, up to
// the end of the header section or Max bytes, whichever comes first.
type HeaderTap struct {
	Max  int
	Buf  []byte
	done bool
}

// Reset empties the tap for the next message, keeping its buffer.
func (t *HeaderTap) Reset() { t.Buf, t.done = t.Buf[:0], false }

func (t *HeaderTap) Write(p []byte) (int, error) {
	if t.done {
		return len(p), nil
	}
	from := max(len(t.Buf)-2, 0)
	q := p[:min(len(p), t.Max-len(t.Buf))]
	if end := emptyLineEnd(q); end >= 0 {
		q = q[:end] // what follows is no header
	}
	t.Buf = append(t.Buf, q...)
	rest := t.Buf[from:]
	t.done = len(t.Buf) >= t.Max || bytes.HasPrefix(t.Buf, []byte("\n")) || bytes.HasPrefix(t.Buf, []byte("\r\n")) ||
		bytes.Contains(rest, []byte("\n\n")) || bytes.Contains(rest, []byte("\n\r\n"))
	return len(p), nil
}

// emptyLineEnd returns the end of the first empty line of q that follows
// a line end in q ("\n\n" or "\n\r\n"), or -1.
func emptyLineEnd(q []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(q[i:], '\n')
		if j < 0 {
			return -1
		}
		k := i + j + 1
		switch {
		case k < len(q) && q[k] == '\n':
			return k + 1
		case k+1 < len(q) && q[k] == '\r' && q[k+1] == '\n':
			return k + 2
		}
		i = k
	}
}
