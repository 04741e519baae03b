package maildir

import (
	"fmt"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/fileio"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// readMessage reads what Messages reports about one file: its wire size,
// header section and internal date. When the name's W= size can be
// trusted (its S= equals the file size) only the header is read.
func readMessage(path string, f file) (store.Message, error) {
	var m store.Message
	fh, err := fileio.Open(path)
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
	br := lineend.PooledReader(fh)
	size, hdr, err := lineend.ScanContent(br, trusted)
	lineend.ReleaseReader(br)
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
