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
	var (
		size   int64
		header []byte
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
				if !inHdr && headerOnly {
					return size, header, nil
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

// isEmptyLine reports whether line is "\n" or "\r\n".
func isEmptyLine(line []byte) bool {
	return bytes.Equal(line, []byte("\n")) || bytes.Equal(line, []byte("\r\n"))
}
