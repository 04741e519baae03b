package mh

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/store"

	"github.com/mailsync/mailsync/internal/store/lineend"
)

// openFile opens path for reading without touching its access time where
// the kernel allows (O_NOATIME is refused with EPERM on files the caller
// does not own; then it opens normally).
func openFile(path string) (*os.File, error) {
	if oNoAtime != 0 {
		f, err := os.OpenFile(path, os.O_RDONLY|oNoAtime, 0)
		if err == nil || !errors.Is(err, syscall.EPERM) {
			return f, err
		}
	}
	return os.Open(path)
}

// readMessage reads one message file: its CRLF size, header section,
// internal date and seen state. The file's times are taken before it is
// read.
func readMessage(path string) (store.Message, error) {
	var m store.Message
	f, err := openFile(path)
	if err != nil {
		return m, fmt.Errorf("read MH message: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return m, fmt.Errorf("read MH message: %w", err)
	}
	m.InternalDate = fi.ModTime().Truncate(time.Second).UTC()
	if accessTime(fi).Unix() > fi.ModTime().Unix() {
		m.Flags |= store.Seen
	}
	m.Size, m.Header, err = scanContent(bufio.NewReader(f))
	if err != nil {
		return m, fmt.Errorf("read MH message %s: %w", path, err)
	}
	return m, nil
}

// scanContent returns the CRLF size of a message (every LF not preceded
// by CR counts two bytes) and its header section: the lines up to and
// including the first empty line. A message without an empty line is all
// header; the returned header then gets an empty line appended.
func scanContent(r *bufio.Reader) (int64, []byte, error) {
	var (
		size   int64
		header []byte
		inHdr  = true
		prevCR bool   // the previous piece ended with CR
		start  = true // the next piece starts a line
	)
	for {
		// ReadSlice stops at LF or when its buffer is full, so a long line
		// may arrive in pieces; prevCR carries a CR across them.
		line, err := r.ReadSlice('\n')
		if k := len(line); k > 0 {
			size += int64(k)
			if line[k-1] == '\n' && !(k >= 2 && line[k-2] == '\r' || k == 1 && prevCR) {
				size++
			}
			if inHdr {
				header = append(header, line...)
				inHdr = !(start && isEmptyLine(line))
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

// Fetch returns message key converted to CRLF line ends. It opens the file
// with O_NOATIME where possible so that reading does not mark it seen.
func (f *Folder) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	if f.closed {
		return nil, fmt.Errorf("MH folder %s: closed", f.dir)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := f.fileName(key)
	if err != nil {
		return nil, err
	}
	file, err := openFile(path)
	if err != nil {
		return nil, fmt.Errorf("fetch MH message: %w", err)
	}
	return lineend.NewCRLFReader(bufio.NewReader(file), file), nil
}
