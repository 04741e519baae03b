package mbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// maxHeaderLine bounds one header line held in memory while scanning.
const maxHeaderLine = 16 << 20

// msg is what a scan keeps of one message: offsets, flags and the header
// lines of store.HeaderFields. Bodies are never held in memory.
type msg struct {
	key       uint64
	start     int64 // offset of the From_ line
	hdrStart  int64 // offset just after the From_ line
	bodyStart int64 // offset just after the blank line ending the header
	bodyEnd   int64 // end of the body (separator blank line excluded)
	end       int64 // offset of the next From_ line or end of file
	size      int64
	flags     store.Flags
	date      time.Time
	header    []byte
	pseudo    bool
	imap      bool // has an X-IMAP: header: would be the pseudo message if first
	hdrOpen   bool // the file ends inside the header (no blank line ends it)
	deleted   bool // marked deleted in this session
}

// scanner reads an mbox file sequentially, one line at a time.
type scanner struct {
	r    *bufio.Reader
	pos  int64 // offset of the next unread byte
	path string
	long []byte
	hdr  []byte // the header lines of the message being read
}

func newScanner(r io.Reader, pos int64, path string) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 64<<10), pos: pos, path: path}
}

// peekLine returns the next line if it fits the buffer, without consuming
// it (nil at end of file or when the line is longer than the buffer).
func (s *scanner) peekLine() []byte {
	for n := 256; ; n *= 2 {
		if n > s.r.Size() {
			n = s.r.Size()
		}
		b, err := s.r.Peek(n)
		if i := indexLF(b); i >= 0 {
			return b[:i+1]
		}
		if err != nil || n == s.r.Size() {
			return nil
		}
	}
}

func indexLF(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// bodyRun returns the longest run of whole buffered lines, starting at
// the current position, none of which starts with "From " (so none can
// start a message): the body of a message is skipped in such runs, not
// line by line. The caller consumes them.
func (s *scanner) bodyRun() []byte {
	w, _ := s.r.Peek(s.r.Buffered())
	if len(w) == 0 || bytes.HasPrefix(w, []byte("From ")) {
		return nil
	}
	if j := bytes.Index(w, []byte("\nFrom ")); j >= 0 {
		return w[:j+1]
	}
	if k := bytes.LastIndexByte(w, '\n'); k >= 0 {
		return w[:k+1]
	}
	return nil
}

// skipLine consumes one line, returning its raw length and its CRLF-form length.
func (s *scanner) skipLine() (n, crlf int64, last []byte, err error) {
	for {
		b, err := s.r.ReadSlice('\n')
		n += int64(len(b))
		crlf += crlfLen(b)
		s.pos += int64(len(b))
		if errors.Is(err, bufio.ErrBufferFull) {
			last = nil
			continue
		}
		if len(b) <= 2 {
			last = append(s.long[:0], b...)
			s.long = last
		} else {
			last = nil
		}
		if err == io.EOF {
			err = nil
		}
		return n, crlf, last, err
	}
}

// readLine consumes and returns one whole line (for header lines).
func (s *scanner) readLine() ([]byte, error) {
	s.long = s.long[:0]
	for {
		b, err := s.r.ReadSlice('\n')
		s.pos += int64(len(b))
		s.long = append(s.long, b...)
		if len(s.long) > maxHeaderLine {
			return nil, fmt.Errorf("read %s: header line at offset %d longer than %d bytes", s.path, s.pos, maxHeaderLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF {
			err = nil
		}
		return s.long, err
	}
}

// skipSpace skips leading blank lines and white space (c-client tolerates
// them before the first From_ line) and reports the new position.
func (s *scanner) skipSpace() error {
	for {
		b, err := s.r.Peek(1)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
		switch b[0] {
		case '\n', '\r', ' ', '\t':
			_, _ = s.r.ReadByte()
			s.pos++
		default:
			return nil
		}
	}
}

// scanMessages reads messages from the scanner's position to the end of the
// file. first tells whether the first message read is the file's first
// (only it can be the pseudo message). nextKey numbers the messages.
func (s *scanner) scanMessages(first bool, nextKey uint64) ([]msg, error) {
	if err := s.skipSpace(); err != nil {
		return nil, err
	}
	var out []msg
	line := s.peekLine()
	if line == nil {
		if _, err := s.r.Peek(1); err == io.EOF {
			return nil, nil
		}
	}
	if line == nil || !validFrom(line).ok {
		return nil, fmt.Errorf("read %s: no valid From_ line at offset %d: %w", s.path, s.pos, store.ErrNotMailbox)
	}
	for line != nil {
		fi := validFrom(line)
		m := msg{key: nextKey, start: s.pos, date: fi.date}
		nextKey++
		if _, _, _, err := s.skipLine(); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.path, err)
		}
		m.hdrStart = s.pos
		m.hdrOpen = true
		h := newHdrState()
		s.hdr = s.hdr[:0]
		for {
			l, err := s.readLine()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", s.path, err)
			}
			if len(l) == 0 {
				break
			}
			if h.line(l) {
				m.size += crlfLen(l)
				if h.capture {
					s.hdr = append(s.hdr, l...)
				}
			}
			if isBlank(l) {
				m.hdrOpen = false
				break
			}
		}
		if len(s.hdr) > 0 && s.hdr[len(s.hdr)-1] != '\n' {
			s.hdr = append(s.hdr, '\n') // a last line cut short by the end of the file
		}
		// The lines were gathered in the scanner's buffer; the header
		// gets a block of its own size (it lives as long as the box).
		s.hdr = append(s.hdr, '\n')
		m.header = bytes.Clone(s.hdr)
		m.bodyStart = s.pos
		m.flags = h.flags
		if !h.old {
			m.flags |= store.Recent
		}
		m.imap = h.imap
		m.pseudo = first && len(out) == 0 && h.imap
		var sepRaw, sepCRLF int64
		line = nil
		for {
			line = s.peekLine()
			if line != nil && validFrom(line).ok {
				break
			}
			n, crlf, last, err := s.skipLine()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", s.path, err)
			}
			if n == 0 {
				line = nil
				break
			}
			m.size += crlf
			if isBlank(last) {
				sepRaw, sepCRLF = n, crlf
			} else {
				sepRaw, sepCRLF = 0, 0
			}
			if r := s.bodyRun(); len(r) > 0 {
				lastLine := r[bytes.LastIndexByte(r[:len(r)-1], '\n')+1:]
				if isBlank(lastLine) {
					sepRaw, sepCRLF = int64(len(lastLine)), crlfLen(lastLine)
				} else {
					sepRaw, sepCRLF = 0, 0
				}
				m.size += crlfLen(r)
				s.pos += int64(len(r))
				s.r.Discard(len(r))
			}
		}
		m.end = s.pos
		m.bodyEnd = m.end - sepRaw
		m.size -= sepCRLF
		out = append(out, m)
	}
	return out, nil
}
