package mbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// maxHeaderLine bounds one header line held in memory while scanning.
const maxHeaderLine = 16 << 20

// msg is what a Box keeps of one message for the whole session: offsets,
// flags and a few bits, 56 bytes. The header lines and the internal date
// are handed out while scanning (Messages) and read again when needed;
// bodies are never held in memory.
type msg struct {
	key       uint64
	start     int64 // offset of the From_ line
	bodyStart int64 // offset just after the blank line ending the header
	end       int64 // offset of the next From_ line or end of file
	size      int64
	fromLen   uint32 // length of the From_ line (it fits the scanner's buffer)
	sepLen    uint8  // length of the separator blank line at the end (0, 1, 2)
	flags     store.Flags
	pseudo    bool
	imap      bool // has an X-IMAP: header: would be the pseudo message if first
	hdrOpen   bool // the file ends inside the header (no blank line ends it)
	deleted   bool // marked deleted in this session
	// flagDiff: the flags SetFlags changed in this session and not yet
	// written (session flags XOR the file's); doc/design/mbox.md, "Flag
	// rewrites".
	flagDiff store.Flags
	// kw are the message's keywords, one bit per keyword the box
	// declares (keywords.go); the bits SetFlags changed and did not
	// write yet are in Box.kwDiff.
	kw uint32
}

// hdrStart is the offset just after the From_ line.
func (m *msg) hdrStart() int64 { return m.start + int64(m.fromLen) }

// bodyEnd is the end of the body (separator blank line excluded).
func (m *msg) bodyEnd() int64 { return m.end - int64(m.sepLen) }

// scanned is one message as a scan meets it: what the Box keeps, plus
// the header lines of store.HeaderFields and the internal date. The header
// is the scanner's buffer: valid only until the next message is read.
type scanned struct {
	msg
	header []byte
	date   time.Time
	// expect is about how many messages the scan will have listed (in
	// the list it appends to) by the end: a capacity for lists built
	// along.
	expect int
	// skimKey is the message's identity key for skims (skim.go), 0 when
	// not computed; hdrSize the CRLF size of its header; skimmed: its
	// body was skipped by the guide's length, not read.
	skimKey uint64
	hdrSize int64
	skimmed bool
}

// scanner reads an mbox file sequentially, one line at a time.
type scanner struct {
	r    *bufio.Reader
	pos  int64 // offset of the next unread byte
	path string
	long []byte
	hdr  []byte  // the header lines of the message being read
	err  error   // a read error met while skipping a body
	cur  scanned // the message being read (handed to emit)
	// decl is the box's keyword declaration (keywords.go): read from the
	// file's first message, then used for each message's keyword bits;
	// nil leaves the bits 0.
	decl *declaration
	// end is the offset where the input ends when known (0 if not):
	// lists of messages grow by estimates from it (grow).
	end, begin int64
	// keyed: compute each message's skimKey. guide, when set, lets the
	// scan skip known bodies (skim.go), jumping through jr, a reader of
	// the whole file.
	keyed bool
	key   keyHash
	guide guide
	jr    jumpReader
}

func newScanner(r io.Reader, pos int64, path string) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 64<<10), pos: pos, path: path}
}

// grow returns the capacity a list of messages that holds n of the
// messages read so far (in a list of cur) should grow to: room for the
// messages the rest of the input holds at the rate read so far, 5% more,
// at most twice the list; a quarter more while too little has been read
// to tell. A list of 50,000 messages grows about a dozen times, not 30,
// and ends a few percent too large, not up to a quarter.
func (s *scanner) grow(cur, n int) int {
	want := cur + cur/4 + 16
	if read := s.pos - s.begin; s.end > s.pos && read >= 1<<20 {
		rest := int(float64(s.end-s.pos) / float64(read) * float64(n) * 1.05)
		want = cur + min(max(rest, 16), cur+16)
	}
	return want
}

// reset makes the scanner read r, which starts at offset pos, keeping its
// buffers.
func (s *scanner) reset(r io.Reader, pos int64) {
	s.r.Reset(r)
	s.pos, s.err = pos, nil
}

// arena hands out copies of headers carved from shared blocks: one
// allocation per arenaBlock bytes instead of one per message.
type arena struct{ block []byte }

const arenaBlock = 64 << 10

// copy returns a copy of h (its capacity is its length: appending to it
// never overwrites the next header).
func (a *arena) copy(h []byte) []byte {
	if len(h) > arenaBlock/8 {
		return bytes.Clone(h)
	}
	if len(h) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, arenaBlock)
	}
	n := len(a.block)
	a.block = append(a.block, h...)
	return a.block[n:len(a.block):len(a.block)]
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
	if j := indexFromLine(w); j >= 0 {
		return w[:j+1]
	}
	if k := bytes.LastIndexByte(w, '\n'); k >= 0 {
		return w[:k+1]
	}
	return nil
}

// indexFromLine is bytes.Index(w, "\nFrom "), faster on mail: it looks
// for "From " and checks the byte before it, since a line end is far
// more common in a body than the letter F, which bytes.Index would stop
// at less often.
func indexFromLine(w []byte) int {
	for i := 0; ; {
		j := bytes.Index(w[i:], []byte("From "))
		if j < 0 {
			return -1
		}
		j += i
		if j > 0 && w[j-1] == '\n' {
			return j - 1
		}
		i = j + 1
	}
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

// readLine consumes and returns one whole line (for header lines), valid
// until the next read.
func (s *scanner) readLine() ([]byte, error) {
	b, err := s.r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		s.pos += int64(len(b)) // the whole line is in the buffer
		if err == io.EOF {
			err = nil
		}
		return b, err
	}
	s.long = append(s.long[:0], b...)
	s.pos += int64(len(b))
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
// them before the first From_ line) and reports the last byte skipped
// ('\n' when none was).
func (s *scanner) skipSpace() (byte, error) {
	last := byte('\n')
	for {
		b, err := s.r.Peek(1)
		if err == io.EOF {
			return last, nil
		}
		if err != nil {
			return last, fmt.Errorf("read %s: %w", s.path, err)
		}
		switch b[0] {
		case '\n', '\r', ' ', '\t':
			last = b[0]
			_, _ = s.r.ReadByte()
			s.pos++
		default:
			return last, nil
		}
	}
}

// fileStartMbox is c-client's test of a file's beginning (unix_isvalid_fd):
// the blank space before the first line must end with a LF (last is the
// last byte skipped) and the From_ line at offset pos must end within the
// 1023 bytes c-client reads. doc/design/mbox.md, "Which files are mboxes".
func fileStartMbox(last byte, pos int64, line []byte) bool {
	return last == '\n' && pos+int64(len(line)) <= 1023
}

// scanMessages reads messages from the scanner's position to the end of the
// file and appends them to dst. first tells whether the first message read
// is the file's first (only it can be the pseudo message). nextKey numbers
// the messages. When emit is set it is called with each message once it
// is read whole, its header lines gathered (valid during the call only);
// an error from emit stops the scan.
func (s *scanner) scanMessages(dst []msg, first bool, nextKey uint64, emit func(*scanned) error) ([]msg, error) {
	start := s.pos
	last, err := s.skipSpace()
	if err != nil {
		return dst, err
	}
	line := s.peekLine()
	if line == nil {
		if _, err := s.r.Peek(1); err == io.EOF {
			return dst, nil
		}
	}
	fi := fromInfo{}
	if line != nil {
		fi = validFrom(line)
		fi.ok = fi.ok && (!first || start != 0 || fileStartMbox(last, s.pos, line))
	}
	if !fi.ok {
		return dst, fmt.Errorf("read %s: no valid From_ line at offset %d: %w", s.path, s.pos, store.ErrNotMailbox)
	}
	sc := &s.cur
	for n := 0; fi.ok; n++ {
		*sc = scanned{msg: msg{key: nextKey, start: s.pos}, date: fi.date}
		m := &sc.msg
		nextKey++
		kh := &s.key
		if s.keyed {
			kh.add(s.peekLine()) // nil when too long for the buffer: not in the key
		}
		if _, _, _, err := s.skipLine(); err != nil {
			return dst, fmt.Errorf("read %s: %w", s.path, err)
		}
		m.fromLen = uint32(s.pos - m.start)
		m.hdrOpen = true
		h := newHdrState()
		s.hdr = s.hdr[:0]
		for {
			l, err := s.readLine()
			if err != nil {
				return dst, fmt.Errorf("read %s: %w", s.path, err)
			}
			if len(l) == 0 {
				break
			}
			if h.line(l) {
				m.size += lineCRLFLen(l)
				if s.keyed {
					kh.add(l)
				}
				if h.capture && emit != nil {
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
		s.hdr = append(s.hdr, '\n')
		m.bodyStart = s.pos
		m.flags = h.flags
		if !h.old {
			m.flags |= store.Recent
		}
		m.imap = h.imap
		m.pseudo = first && n == 0 && h.imap
		if s.decl != nil {
			if first && n == 0 && h.validity != 0 {
				s.decl.set(h.imapKW)
			}
			m.kw = s.decl.bits(h.keywords)
		}
		sc.hdrSize = m.size
		if s.keyed {
			sc.skimKey = kh.sum()
		}
		if s.guide != nil {
			fi, sc.skimmed = s.skim(m, sc.skimKey)
		}
		if !sc.skimmed {
			fi = s.skipBody(m)
		}
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, s.grow(len(dst), n+1)-len(dst))
		}
		dst = append(dst, *m)
		if s.err != nil {
			return dst, s.err
		}
		if emit != nil {
			sc.header, sc.expect = s.hdr, cap(dst)
			if err := emit(sc); err != nil {
				return dst, err
			}
		}
	}
	return dst, nil
}

// skipBody reads the body of m up to the next From_ line (whose
// description it returns) or the end of the file, setting m's size, end
// and body end. A read error is left in s.err.
func (s *scanner) skipBody(m *msg) fromInfo {
	var sepRaw, sepCRLF int64
	var fi fromInfo
	for {
		if line := s.peekLine(); line != nil {
			if fi = validFrom(line); fi.ok {
				break
			}
		}
		n, crlf, last, err := s.skipLine()
		if err != nil {
			s.err = fmt.Errorf("read %s: %w", s.path, err)
			break
		}
		if n == 0 {
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
	m.sepLen = uint8(sepRaw)
	m.size -= sepCRLF
	return fi
}
