package mbox

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"time"

	"github.com/mailsync/mailsync/internal/cachefile"
	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

// The listing cache. Scanning a large mbox on every run costs more than
// everything else a no-op sync does, so the first full scan of a box open
// read-write is written, as it goes, to a cache file (package cachefile, under
// Env.CacheDir/mbox): each message's place in the file, size, flags,
// internal date and the header fields store.HeaderFields names, and what
// a skim needs (skim.go): the message's identity key and the length of
// its body. A later first scan uses it in one of two ways:
//   - exact: when the scan's file signature (package filesig: device,
//     inode, size, modification and change time) was settled when the
//     scan began (filesig.RacyWindow) and the file still has it, the
//     file is not read at all;
//   - as a guide: otherwise (the file changed since, or the signature
//     was too new to prove anything), the messages are read again but
//     the bodies of the ones the cache knows are skipped (skim.go).
// doc/design/mbox.md, "The listing cache".

// listKind is the format of the listing cache files.
const listKind = "mailsync mbox listing 4"

// listCacheDir is where a box's listing cache lives; "" for none.
func listCacheDir(env store.Env) string {
	if env.CacheDir == "" {
		return ""
	}
	return filepath.Join(env.CacheDir, "mbox")
}

// listIdentity names a box's listing cache: its absolute path.
func listIdentity(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "mbox " + path
}

// listWriter writes a scan into a listing cache as it goes.
type listWriter struct {
	bw    *cachefile.Writer
	sig   filesig.Sig
	exact bool // the cache may list the file exactly (else: a guide)
	buf   []byte
	decl  *declaration // the box's, written after the first message
	n     int          // messages added
}

// newListWriter starts the cache of a first scan of a file with
// signature sig; nil when there is no cache directory. A file changed
// too recently to be told apart from a later change (not settled) gets
// a guide only: each message's identity key and body (guideRecord).
func newListWriter(env store.Env, path string, sig filesig.Sig, decl *declaration) *listWriter {
	bw := cachefile.Create(listCacheDir(env), listKind, listIdentity(path))
	if bw == nil {
		return nil
	}
	lw := &listWriter{bw: bw, sig: sig, decl: decl, exact: sig.SettledAt(env.Time())}
	exact := uint64(0)
	if lw.exact {
		exact = 1
	}
	bw.Write(sig.Append(binary.AppendUvarint(nil, exact)))
	return lw
}

// add records one scanned message (the pseudo message too: it is part of
// the index).
func (lw *listWriter) add(sc *scanned) {
	if !lw.exact {
		lw.buf = appendGuideRecord(lw.buf[:0], sc)
		lw.bw.Write(lw.buf)
		return
	}
	m := &sc.msg
	b := lw.buf[:0]
	b = binary.AppendUvarint(b, m.key)
	b = binary.AppendVarint(b, m.start)
	b = binary.AppendVarint(b, m.bodyStart)
	b = binary.AppendVarint(b, m.end)
	b = binary.AppendVarint(b, m.size)
	b = binary.AppendUvarint(b, uint64(m.fromLen))
	b = binary.AppendUvarint(b, uint64(m.sepLen))
	b = binary.AppendUvarint(b, uint64(m.flags))
	var bits uint64
	for i, on := range []bool{m.pseudo, m.imap, m.hdrOpen} {
		if on {
			bits |= 1 << i
		}
	}
	b = binary.AppendUvarint(b, bits)
	b = binary.AppendUvarint(b, uint64(m.kw))
	_, off := sc.date.Zone()
	b = binary.AppendVarint(b, sc.date.Unix())
	b = binary.AppendVarint(b, int64(sc.date.Nanosecond()))
	b = binary.AppendVarint(b, int64(off))
	b = binary.LittleEndian.AppendUint64(b, sc.skimKey)
	b = binary.AppendVarint(b, sc.hdrSize)
	mark := len(b)
	b = binary.AppendUvarint(b, 0) // room for the header length
	b = b[:mark]
	hdr := header.AppendSelect(nil, sc.header, headerFields...)
	if bytes.IndexByte(sc.header, 0) >= 0 {
		// A NUL cuts a line short for the selection but not for message
		// identity (package msgid reads it as 0x80): keep such a header
		// whole, so that a cached scan reads as the file does.
		hdr = append(hdr[:0], sc.header...)
	}
	if len(hdr) > 0 && hdr[len(hdr)-1] != '\n' {
		hdr = append(hdr, '\n')
	}
	hdr = append(hdr, '\n')
	b = binary.AppendUvarint(b, uint64(len(hdr)))
	b = append(b, hdr...)
	if lw.n == 0 {
		// The file's first message declares the box's keywords.
		b = appendDeclaration(b, lw.decl)
	}
	lw.n++
	lw.buf = b
	lw.bw.Write(b)
}

// commit keeps the cache, written for the file as the scan read it: if
// the session changed the file since (appends, flags, an expunge), its
// signature is no longer the recorded one, which no later change can
// bring back, and the cache serves as a guide only. abort drops it.
func (lw *listWriter) commit() {
	if lw == nil {
		return
	}
	lw.bw.Commit() // a cache that cannot be written only costs speed
}

func (lw *listWriter) abort() {
	if lw != nil {
		lw.bw.Abort()
	}
}

var errStaleList = errors.New("mbox listing cache: not for this file")

// openListCache opens the listing cache of path and reads its header:
// whether it may be used exactly and the signature of the file it
// lists.
func openListCache(env store.Env, path string) (r *bufio.Reader, c io.Closer, exact bool, sig filesig.Sig, ok bool) {
	rc, ok := cachefile.Open(listCacheDir(env), listKind, listIdentity(path))
	if !ok {
		return nil, nil, false, sig, false
	}
	r = bufio.NewReaderSize(rc, 64<<10)
	e, err := binary.ReadUvarint(r)
	if err == nil {
		sig, err = filesig.Read(r)
	}
	if err != nil {
		rc.Close()
		return nil, nil, false, sig, false
	}
	return r, rc, e == 1, sig, true
}

// readListCache hands each message of the cached listing of a file with
// signature sig to emit, in file order, and returns them as an index;
// errStaleList (or another error, before emit was called) when there is
// no cache for the file as it is. An error from emit is returned as is.
func readListCache(env store.Env, path string, sig filesig.Sig, decl *declaration, emit func(*scanned) error) ([]msg, error) {
	r, c, exact, got, ok := openListCache(env, path)
	if !ok {
		return nil, errStaleList
	}
	defer c.Close()
	if !exact || got != sig {
		return nil, errStaleList
	}
	// The checksum was verified: what follows is what a scan wrote.
	var ms []msg
	var rr recordReader
	for {
		sc, err := rr.next(r, decl, len(ms) == 0, true)
		if err == io.EOF {
			return ms, nil
		}
		if err != nil {
			if len(ms) == 0 {
				return nil, errStaleList
			}
			return nil, errors.New("mbox listing cache: damaged")
		}
		ms = append(ms, sc.msg)
		if err := emit(sc); err != nil {
			return nil, err
		}
	}
}

// recordReader reads the records listWriter.add wrote, reusing its
// buffers.
type recordReader struct {
	sc  scanned
	hdr []byte
}

// next reads one record (io.EOF after the last); the first one carries
// the box's keyword declaration, read into decl. Without withHeader the
// header fields are skipped, not read.
func (rr *recordReader) next(r *bufio.Reader, decl *declaration, first, withHeader bool) (*scanned, error) {
	var u [4]uint64
	var v [4]int64
	var err error
	if u[0], err = binary.ReadUvarint(r); err != nil {
		return nil, err
	}
	for i := 0; i < 4 && err == nil; i++ {
		v[i], err = binary.ReadVarint(r)
	}
	for i := 1; i < 4 && err == nil; i++ {
		u[i], err = binary.ReadUvarint(r)
	}
	var bits, kw uint64
	var sec, nsec, off, hdrSize int64
	var key [8]byte
	var hlen uint64
	if err == nil {
		bits, err = binary.ReadUvarint(r)
	}
	if err == nil {
		kw, err = binary.ReadUvarint(r)
	}
	for _, p := range []*int64{&sec, &nsec, &off} {
		if err == nil {
			*p, err = binary.ReadVarint(r)
		}
	}
	if err == nil {
		_, err = io.ReadFull(r, key[:])
	}
	if err == nil {
		hdrSize, err = binary.ReadVarint(r)
	}
	if err == nil {
		hlen, err = binary.ReadUvarint(r)
	}
	if err == nil && hlen > 1<<24 {
		err = errStaleList
	}
	if err == nil && withHeader {
		if uint64(cap(rr.hdr)) < hlen {
			rr.hdr = make([]byte, hlen, max(hlen, 4096))
		}
		rr.hdr = rr.hdr[:hlen]
		_, err = io.ReadFull(r, rr.hdr)
	} else if err == nil {
		_, err = r.Discard(int(hlen))
	}
	if err == nil && first {
		err = readDeclaration(r, decl)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	sc := &rr.sc
	sc.msg = msg{key: u[0], start: v[0], bodyStart: v[1], end: v[2], size: v[3],
		fromLen: uint32(u[1]), sepLen: uint8(u[2]), flags: store.Flags(u[3]),
		pseudo: bits&1 != 0, imap: bits&2 != 0, hdrOpen: bits&4 != 0, kw: uint32(kw)}
	sc.date = time.Unix(sec, nsec).In(fixedZone(int(off)))
	sc.header = rr.hdr
	sc.skimKey, sc.hdrSize = binary.LittleEndian.Uint64(key[:]), hdrSize
	return sc, nil
}

// appendDeclaration appends d to a cache record: present, the number of
// names, each name with its length.
func appendDeclaration(b []byte, d *declaration) []byte {
	present := uint64(0)
	if d != nil && d.present {
		present = 1
	}
	b = binary.AppendUvarint(b, present)
	if present == 0 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(len(d.names)))
	for _, n := range d.names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	return b
}

// readDeclaration reads what appendDeclaration wrote into d.
func readDeclaration(r *bufio.Reader, d *declaration) error {
	present, err := binary.ReadUvarint(r)
	if err != nil || present == 0 {
		return err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > maxDeclared {
		return errStaleList
	}
	var words [][]byte
	for range n {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > maxUserFlag {
			return errStaleList
		}
		w := make([]byte, l)
		if _, err := io.ReadFull(r, w); err != nil {
			return err
		}
		words = append(words, w)
	}
	d.set(words)
	return nil
}
