package mbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// PseudoSubject is the Subject of c-client's hidden pseudo message.
const PseudoSubject = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA"

const pseudoText = "This text is part of the internal format of your mail folder, and is not\n" +
	"a real message.  It is created automatically by the mail system software.\n" +
	"If deleted, important folder data will be lost, and it will be re-created\n" +
	"with the data reset to initial values.\n"

// ctime formats t like C's ctime() without the newline.
func ctime(t time.Time) string { return t.Format("Mon Jan _2 15:04:05 2006") }

// fixedDate formats t like c-client's rfc822_fixed_date.
func fixedDate(t time.Time) string { return t.Format("02 Jan 2006 15:04:05 -0700") }

// PseudoCreate returns the pseudo message c-client writes into a new mbox
// (creation form: no Message-ID, last UID 0). The UID validity is now.
func PseudoCreate(env store.Env) []byte {
	now := env.Time()
	return []byte(fmt.Sprintf("From MAILER-DAEMON %s\nDate: %s\nFrom: Mail System Internal Data <MAILER-DAEMON@%s>\nSubject: %s\nX-IMAP: %010d 0000000000\nStatus: RO\n\n%s\n",
		ctime(now), fixedDate(now), env.Host, PseudoSubject, now.Unix(), pseudoText))
}

// PseudoRewrite returns the pseudo message as c-client writes it when it
// rewrites a file: current date, Message-ID <NOW@HOST>, the UID validity,
// the last UID and the keyword list.
func PseudoRewrite(env store.Env, validity, lastUID uint64, keywords []string) []byte {
	now := env.Time()
	kw := ""
	for _, k := range keywords {
		kw += " " + k
	}
	return []byte(fmt.Sprintf("From MAILER-DAEMON %s\nDate: %s\nFrom: Mail System Internal Data <MAILER-DAEMON@%s>\nSubject: %s\nMessage-ID: <%d@%s>\nX-IMAP: %010d %010d%s\nStatus: RO\n\n%s\n",
		ctime(now), fixedDate(now), env.Host, PseudoSubject, now.Unix(), env.Host, validity, lastUID, kw, pseudoText))
}

// cdate formats t like c-client's mail_cdate: "Www Mmm dd hh:mm:ss yyyy +zzzz".
func cdate(t time.Time) string { return t.Format("Mon Jan _2 15:04:05 2006 -0700") }

// WriteAppend writes m to w in exactly the form c-client's unix driver
// appends a message (mailsync 5.2.7's copies): a From USER@HOST line with
// the internal date, a Status:/X-Status:/X-Keywords: block, the message
// with CRs removed, NULs turned into 0x80, ">" before lines starting
// "From ", status headers renamed X-Original-, and a separator line.
// With m.FlagRoom the X-Keywords: line is padded with spaces as c-client
// pads it when it rewrites a file (the block 50 bytes from "Status:"), so
// that later flag changes fit in place (doc/design/mbox.md, "Flag changes
// in place"). It returns the number of bytes written.
func WriteAppend(w io.Writer, env store.Env, m store.NewMessage) (int64, error) {
	date := m.InternalDate
	if date.IsZero() {
		date = env.Time()
	}
	bw := writerPool.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() { bw.Reset(nil); writerPool.Put(bw) }()
	cw := &countWriter{w: bw}
	fmt.Fprintf(cw, "From %s@%s %s\n", env.User, env.Host, cdate(date))
	cw.Write(appendStatusBlock(nil, m.Flags, m.FlagRoom))
	body := io.Reader(m.Body)
	if m.Size > 0 {
		body = store.ExactReader(m.Body, m.Size)
	}
	if err := copyAppendText(cw, body); err != nil {
		return cw.n, err
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	return cw.n, cw.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// Buffers for appends are reused: one sync copies thousands of messages.
var (
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
)

// copyAppendText transforms the message text as unix_append_msgs does.
// Quirk reproduced from c-client: header renaming stops at the first blank
// line and also at the first line starting with 'X' or 'x'.
func copyAppendText(w io.Writer, r io.Reader) error {
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() { br.Reset(nil); readerPool.Put(br) }()
	bw := writerPool.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() { bw.Reset(nil); writerPool.Put(bw) }()
	hdr := true
	atStart := true
	var line, scratch []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			if cr := bytes.IndexByte(chunk, '\r'); (cr < 0 || cr == len(chunk)-2 && chunk[cr+1] == '\n') && bytes.IndexByte(chunk, 0) < 0 {
				// The common line: no NUL, at most a CR before the LF.
				// Drop the CR in place (the buffer is ours until the
				// next read) instead of copying byte by byte.
				if cr >= 0 {
					chunk[cr] = '\n'
					chunk = chunk[:cr+1]
				}
				line = chunk
			} else {
				scratch = scratch[:0]
				for _, b := range chunk {
					switch b {
					case '\r':
					case 0:
						scratch = append(scratch, 0x80)
					default:
						scratch = append(scratch, b)
					}
				}
				line = scratch
			}
			if len(line) > 0 {
				if atStart {
					prefix(bw, line, &hdr)
				}
				bw.Write(line)
				atStart = line[len(line)-1] == '\n'
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read message: %w", err)
		}
	}
	// c-client's scratch copy adds one newline after the message text.
	bw.WriteByte('\n')
	return bw.Flush()
}

var renamed = []string{"status:", "x-uid:", "x-imap:", "x-imapbase:", "x-status:", "x-keywords:"}

// prefix writes what goes before a line: ">" for "From ", "X-Original-"
// for c-client's status headers while in the header.
func prefix(w *bufio.Writer, line []byte, hdr *bool) {
	switch line[0] {
	case 'F':
		if bytes.HasPrefix(line, []byte("From ")) {
			w.WriteByte('>')
		}
	case 'S', 's':
		if *hdr && len(line) >= 7 && asciiFold(line[:7], "status:") {
			w.WriteString("X-Original-")
		}
	case 'X', 'x':
		if *hdr && len(line) > 1 && line[1] == '-' {
			for _, n := range renamed[1:] {
				if len(line) >= len(n) && asciiFold(line[:len(n)], n) {
					w.WriteString("X-Original-")
					break
				}
			}
		}
		*hdr = false
	case '\n':
		*hdr = false
	}
}
