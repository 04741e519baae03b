package mh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/fileio"

	"github.com/mailsync/mailsync/internal/store/lineend"
)

// openFile opens path for reading without touching its access time where
// the kernel allows (O_NOATIME is refused with EPERM on files the caller
// does not own; then it opens normally).
func openFile(path string) (*os.File, error) {
	if oNoAtime != 0 {
		f, err := fileio.OpenFile(path, os.O_RDONLY|oNoAtime, 0)
		if err == nil || !errors.Is(err, syscall.EPERM) {
			return f, err
		}
	}
	return fileio.Open(path)
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
	br := lineend.PooledReader(f)
	m.Size, m.Header, err = lineend.ScanContent(br, false)
	lineend.ReleaseReader(br)
	if err != nil {
		return m, fmt.Errorf("read MH message %s: %w", path, err)
	}
	return m, nil
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
	return lineend.OpenCRLF(file), nil
}
