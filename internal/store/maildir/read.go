package maildir

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// readMessage reads what Messages reports about one file: its wire size,
// header section and internal date. When the name's W= size can be
// trusted (its S= equals the file size) only the header is read.
func readMessage(path string, f file) (store.Message, error) {
	var m store.Message
	fh, err := os.Open(path)
	if err != nil {
		return m, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return m, fmt.Errorf("read Maildir message: %w", err)
	}
	m.InternalDate = fi.ModTime().Truncate(time.Second).Local()
	trusted := f.vsize >= 0 && f.size == fi.Size()
	size, hdr, err := scanContent(bufio.NewReader(fh), trusted)
	if err != nil {
		return m, fmt.Errorf("read Maildir message %s: %w", path, err)
	}
	m.Header = hdr
	m.Size = size
	if trusted {
		m.Size = f.vsize
	}
	return m, nil
}

// scanContent returns the wire size of a message (every LF not preceded
// by CR counts two bytes) and its header section: the lines up to and
// including the first empty line; a message without an empty line is all
// header, and the returned header then gets an empty line appended. With
// headerOnly it stops after the header and the size is meaningless.
func scanContent(r *bufio.Reader, headerOnly bool) (int64, []byte, error) {
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

func isEmptyLine(line []byte) bool {
	return bytes.Equal(line, []byte("\n")) || bytes.Equal(line, []byte("\r\n"))
}
