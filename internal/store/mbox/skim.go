package mbox

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/mailsync/mailsync/internal/store"
)

// Skimming: reading a changed mbox without reading the bodies the
// listing cache knows. doc/design/mbox.md, "Skimming a changed file".
//
// A mail reader that changes flags rewrites a message's Status lines,
// and with them the place of every later message, but no body. When the
// file no longer matches its listing cache, the first scan still reads
// every From_ line and every header, but a message whose identity key
// (its From_ line and header lines, the metadata lines of hdrState
// excepted) is in the cache with a body of n bytes is not read further
// when the file confirms the landing point: n bytes on, the separator the
// cache recorded, then a valid From_ line or the end of the file. If not,
// the body is scanned as ever. It is how mutt and Dovecot use a
// Content-Length header, with the length taken from our own earlier
// scan of the same message instead of from a header anybody may write.

// guide is what a skim knows of the bodies of a cached listing, by
// identity key.
type guide map[uint64]bodyShape

// bodyShape is a message body as a scan found it: its length in the file
// (separator included), its size in CRLF form (separator excluded) and
// its separator's length.
type bodyShape struct {
	raw, crlf int64
	sepLen    uint8
	ambiguous bool // two messages with one key and different bodies
}

// readGuide reads the bodies of the listing cache of path, whatever file
// it was written for; nil without a usable cache.
func readGuide(env store.Env, path string) guide {
	r, c, exact, _, ok := openListCache(env, path)
	if !ok {
		return nil
	}
	defer c.Close()
	g := guide{}
	var rr recordReader
	var decl declaration
	for first := true; ; first = false {
		var sc *scanned
		var err error
		if exact {
			sc, err = rr.next(r, &decl, first, false)
		} else {
			sc, err = rr.nextGuide(r)
		}
		if err == io.EOF {
			return g
		}
		if err != nil {
			return nil
		}
		g.add(sc)
	}
}

// appendGuideRecord appends what a guide keeps of a scanned message: its
// key, and the length, CRLF size and separator of its body.
func appendGuideRecord(b []byte, sc *scanned) []byte {
	b = binary.LittleEndian.AppendUint64(b, sc.skimKey)
	b = binary.AppendVarint(b, sc.end-sc.bodyStart)
	b = binary.AppendVarint(b, sc.size-sc.hdrSize)
	b = append(b, sc.sepLen)
	if sc.hdrOpen {
		return append(b, 1)
	}
	return append(b, 0)
}

// nextGuide reads what appendGuideRecord wrote (io.EOF after the last),
// as a scanned message whose header starts at 0.
func (rr *recordReader) nextGuide(r *bufio.Reader) (*scanned, error) {
	var key [8]byte
	if _, err := io.ReadFull(r, key[:]); err != nil {
		return nil, err
	}
	raw, err := binary.ReadVarint(r)
	var crlf int64
	var sep, open byte
	if err == nil {
		crlf, err = binary.ReadVarint(r)
	}
	if err == nil {
		sep, err = r.ReadByte()
	}
	if err == nil {
		open, err = r.ReadByte()
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	rr.sc = scanned{msg: msg{end: raw, size: crlf, sepLen: sep, hdrOpen: open != 0}, skimKey: binary.LittleEndian.Uint64(key[:])}
	return &rr.sc, nil
}

// add records the body of a scanned message.
func (g guide) add(sc *scanned) {
	if sc.skimKey == 0 || sc.hdrOpen {
		return
	}
	shape := bodyShape{raw: sc.end - sc.bodyStart, crlf: sc.size - sc.hdrSize, sepLen: sc.sepLen}
	if old, dup := g[sc.skimKey]; dup && old != shape {
		shape.ambiguous = true
	}
	g[sc.skimKey] = shape
}

// castagnoli is the table of the identity keys' first half.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// keyHash gathers a message's From_ line and header lines and sums them
// into its identity key: two checksums (both computed by the processor
// on amd64 and arm64 when given the whole header at once), 64 bits in
// all.
type keyHash struct{ buf []byte }

func (k *keyHash) add(b []byte) { k.buf = append(k.buf, b...) }

// sum is the key of what was added since the last sum; never 0, which
// means "no key".
func (k *keyHash) sum() uint64 {
	s := uint64(crc32.Checksum(k.buf, castagnoli))<<32 | uint64(crc32.ChecksumIEEE(k.buf))
	k.buf = k.buf[:0]
	return max(s, 1)
}

// skimChunk is how much a skimming scanner reads at a time: the end of a
// body, the next From_ line and a typical header.
const skimChunk = 2 << 10

// jumpReader reads the file from an offset, each Read at most chunk
// bytes long: how a scanner reads once it has jumped.
type jumpReader struct {
	r        io.ReaderAt
	off, end int64
	chunk    int
}

func (a *jumpReader) Read(p []byte) (int, error) {
	if len(p) > a.chunk {
		p = p[:a.chunk]
	}
	sec := section{r: a.r, off: a.off, end: a.end}
	n, err := sec.Read(p)
	a.off += int64(n)
	return n, err
}

// jump makes the scanner read the file from offset pos, chunk bytes at a
// time.
func (s *scanner) jump(pos int64, chunk int) {
	s.jr.chunk = chunk
	if ahead := pos - s.pos; ahead >= 0 && ahead < int64(s.r.Buffered()) {
		s.r.Discard(int(ahead)) // read already
		s.pos = pos
		return
	}
	s.jr.off = pos
	s.reset(&s.jr, pos)
}

// skim tries to skip m's body by the guide's length for key (header read,
// the scanner just after it). It returns the From_ line found at the end
// and true, having set m's end, separator and size as skipBody would; or
// false with the scanner back at the body's start for skipBody.
func (s *scanner) skim(m *msg, key uint64) (fromInfo, bool) {
	shape, ok := s.guide[key]
	next := m.bodyStart + shape.raw
	if !ok || shape.ambiguous || m.hdrOpen || next > s.end {
		s.jr.chunk = s.r.Size() // this body is read whole
		return fromInfo{}, false
	}
	back := min(shape.raw, 3)
	s.jump(next-back, skimChunk)
	fi, ok := s.land(shape, int(back), next)
	if !ok {
		s.jump(m.bodyStart, s.r.Size())
		return fromInfo{}, false
	}
	m.end, m.sepLen = next, shape.sepLen
	m.size += shape.crlf
	return fi, true
}

// land checks the landing point of a skim: the back bytes before it end
// in the separator the shape says, and a valid From_ line or the end of
// the file follows.
func (s *scanner) land(shape bodyShape, back int, next int64) (fromInfo, bool) {
	tail, err := s.r.Peek(back)
	if err != nil {
		return fromInfo{}, false
	}
	line := tail[bytesLastLF(tail[:max(len(tail)-1, 0)])+1:]
	sep := uint8(0)
	if isBlank(line) {
		sep = uint8(len(line))
	}
	if sep != shape.sepLen {
		return fromInfo{}, false
	}
	if next == s.end {
		s.r.Discard(back)
		s.pos = next
		return fromInfo{}, true
	}
	if back > 0 && tail[back-1] != '\n' {
		return fromInfo{}, false // a From_ line starts a line
	}
	s.r.Discard(back)
	s.pos = next
	l := s.peekLine()
	if l == nil {
		return fromInfo{}, false
	}
	fi := validFrom(l)
	return fi, fi.ok
}

// bytesLastLF is the index of the last LF in b, -1 if none.
func bytesLastLF(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}
