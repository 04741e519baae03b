// Package cachefile is mailsync's cache-file format, shared by every
// cache it keeps (doc/design/state.md, "Cache files"): the header caches
// (package hdrcache), the mbox listing caches (package mbox) and the
// settled book (package settled).
//
// A cache file is a kind line (format and version), the identity of what
// it describes and LF, a payload, and the CRC-32C (Castagnoli, big
// endian) of all that precedes it. Its name, in the cache's directory, is
// the first 16 bytes of the SHA-256 of the identity in hex. It is
// replaced atomically (a temporary file beside it, then rename), so that
// concurrent runs leave one complete file, and made 0600 in a 0700
// directory.
//
// A cache is an optimisation only: a missing, unreadable, damaged or
// foreign file (another kind or identity) reads as none, and a file that
// cannot be written changes nothing but speed.
package cachefile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// table is the CRC-32C table of the checksums.
var table = crc32.MakeTable(crc32.Castagnoli)

// filePath is the file of identity in dir.
func filePath(dir, identity string) string {
	sum := sha256.Sum256([]byte(identity))
	return filepath.Join(dir, hex.EncodeToString(sum[:16]))
}

// Read returns the payload of the cache file of identity in dir, or
// false when there is none, or it is damaged, of another kind (format
// version) or of another identity. The payload shares the file's memory.
func Read(dir, kind, identity string) ([]byte, bool) {
	if dir == "" {
		return nil, false
	}
	data, err := os.ReadFile(filePath(dir, identity))
	if err != nil || len(data) < 4 {
		return nil, false
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, table) != sum {
		return nil, false
	}
	head := kind + "\n" + identity + "\n"
	if !bytes.HasPrefix(body, []byte(head)) {
		return nil, false
	}
	return body[len(head):len(body):len(body)], true
}

// New starts the content of a cache file; append the payload to it and
// give it to Write.
func New(kind, identity string, size int) []byte {
	b := make([]byte, 0, len(kind)+len(identity)+2+size+4)
	b = append(b, kind...)
	b = append(b, '\n')
	b = append(b, identity...)
	return append(b, '\n')
}

// Write replaces the cache file of identity in dir with content (from
// New plus the payload) and its checksum, atomically: a temporary file
// beside it, then rename. Without dir it does nothing.
func Write(dir, identity string, content []byte) error {
	if dir == "" {
		return nil
	}
	path := filePath(dir, identity)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save cache: %w", err)
	}
	content = binary.BigEndian.AppendUint32(content, crc32.Checksum(content, table))
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save cache: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cache: %w", err)
	}
	return nil
}

// WriteChanged is Write, except that a cache file that holds content
// already is left as it is (no write, no rename): for a cache that often
// comes out as it was read.
func WriteChanged(dir, identity string, content []byte) error {
	if dir == "" {
		return nil
	}
	old, err := os.ReadFile(filePath(dir, identity))
	if err == nil && len(old) == len(content)+4 && bytes.Equal(old[:len(content)], content) &&
		binary.BigEndian.Uint32(old[len(content):]) == crc32.Checksum(content, table) {
		return nil
	}
	return Write(dir, identity, content)
}

// Writer writes a cache file as a stream (for payloads not to be held in
// memory): Commit makes it the cache file, Abort drops it.
type Writer struct {
	f    *os.File
	w    *bufio.Writer
	crc  uint32
	path string
	err  error
}

// Create starts writing the cache file of identity in dir beside the
// current one; nil (which writes nothing) without dir or when the
// temporary file cannot be created.
func Create(dir, kind, identity string) *Writer {
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return nil
	}
	path := filePath(dir, identity)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return nil
	}
	bw := &Writer{f: f, w: bufio.NewWriterSize(f, 64<<10), path: path}
	bw.Write(New(kind, identity, 0))
	return bw
}

// Write adds payload bytes (errors are kept for Commit).
func (bw *Writer) Write(p []byte) (int, error) {
	if bw == nil || bw.err != nil {
		return len(p), nil
	}
	bw.crc = crc32.Update(bw.crc, table, p)
	_, bw.err = bw.w.Write(p)
	return len(p), nil
}

// Commit ends the file with its checksum and renames it over the cache
// file.
func (bw *Writer) Commit() error {
	if bw == nil {
		return nil
	}
	if bw.err == nil {
		_, bw.err = bw.w.Write(binary.BigEndian.AppendUint32(nil, bw.crc))
	}
	if bw.err == nil {
		bw.err = bw.w.Flush()
	}
	if err := bw.f.Close(); bw.err == nil {
		bw.err = err
	}
	if bw.err == nil {
		bw.err = os.Rename(bw.f.Name(), bw.path)
	}
	if bw.err != nil {
		os.Remove(bw.f.Name())
		return fmt.Errorf("save cache: %w", bw.err)
	}
	return nil
}

// Abort drops the file being written.
func (bw *Writer) Abort() {
	if bw == nil {
		return
	}
	bw.f.Close()
	os.Remove(bw.f.Name())
}

// Open returns a reader of the payload of the cache file of identity in
// dir, after checking the whole file's checksum (read as a stream, so the
// payload need not fit in memory); false as Read.
func Open(dir, kind, identity string) (io.ReadCloser, bool) {
	if dir == "" {
		return nil, false
	}
	f, err := os.Open(filePath(dir, identity))
	if err != nil {
		return nil, false
	}
	fi, err := f.Stat()
	head := kind + "\n" + identity + "\n"
	if err != nil || fi.Size() < int64(len(head))+4 {
		f.Close()
		return nil, false
	}
	body := fi.Size() - 4
	crc := crc32.New(table)
	var sum [4]byte
	if _, err := io.Copy(crc, io.NewSectionReader(f, 0, body)); err != nil {
		f.Close()
		return nil, false
	}
	if _, err := f.ReadAt(sum[:], body); err != nil || crc.Sum32() != binary.BigEndian.Uint32(sum[:]) {
		f.Close()
		return nil, false
	}
	got := make([]byte, len(head))
	if _, err := f.ReadAt(got, 0); err != nil || string(got) != head {
		f.Close()
		return nil, false
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, int64(len(head)), body-int64(len(head))), f}, true
}
