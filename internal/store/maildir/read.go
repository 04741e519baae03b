package maildir

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/fileio"
	"github.com/mailsync/mailsync/internal/store/lineend"
)

// scratchHeaders are buffers for the header sections readMessage reads.
var scratchHeaders = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// readMessage reads what Messages reports about one file: its wire size,
// header section and internal date. When the name's W= size can be
// trusted (its S= equals the file size) only the header is read.
func readMessage(path string, f file) (store.Message, error) {
	var m store.Message
	fh, err := fileio.OpenRaw(path, os.O_RDONLY, 0)
	if err != nil {
		return m, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return m, fmt.Errorf("read Maildir message: %w", err)
	}
	m.InternalDate = time.Unix(st.Mtim.Sec, 0).Local()
	trusted := f.vsize >= 0 && f.size == st.Size
	br := lineend.PooledReader(fh)
	scratch := scratchHeaders.Get().(*[]byte)
	size, hdr, err := lineend.ScanContentInto(*scratch, br, trusted)
	lineend.ReleaseReader(br)
	if err == nil {
		// Only the fields the store promises are kept (and cached).
		m.Header = header.Select(hdr, store.HeaderFields())
	}
	if cap(hdr) <= 1<<20 {
		*scratch = hdr[:0]
	}
	scratchHeaders.Put(scratch)
	if err != nil {
		return m, fmt.Errorf("read Maildir message %s: %w", path, err)
	}
	m.Size = size
	if trusted {
		m.Size = f.vsize
	}
	return m, nil
}
