package hdrcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
)

// A blob is one cache file: a kind line (format and version), the
// identity of what it describes and LF, a payload, and the CRC-32C of all
// that precedes it. Its name is a hash of the identity, in dir.

// blobPath is the file of identity in dir.
func blobPath(dir, identity string) string {
	sum := sha256.Sum256([]byte(identity))
	return filepath.Join(dir, hex.EncodeToString(sum[:16]))
}

// ReadBlob returns the payload of the cache file of identity in dir, or
// false when there is none, or it is damaged, of another kind (format
// version) or of another identity. The payload shares the file's memory.
func ReadBlob(dir, kind, identity string) ([]byte, bool) {
	if dir == "" {
		return nil, false
	}
	data, err := os.ReadFile(blobPath(dir, identity))
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

// NewBlob starts the file content of a blob; append the payload to it
// and give it to WriteBlob.
func NewBlob(kind, identity string, size int) []byte {
	b := make([]byte, 0, len(kind)+len(identity)+2+size+4)
	b = append(b, kind...)
	b = append(b, '\n')
	b = append(b, identity...)
	return append(b, '\n')
}

// WriteBlob replaces the cache file of identity in dir with content (from
// NewBlob plus the payload) and its checksum, atomically: a temporary
// file beside it, then rename. Without dir it does nothing.
func WriteBlob(dir, identity string, content []byte) error {
	if dir == "" {
		return nil
	}
	path := blobPath(dir, identity)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save cache: %w", err)
	}
	content = binary.BigEndian.AppendUint32(content, crc32.Checksum(content, table))
	tmp := path + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, content, 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cache: %w", err)
	}
	return nil
}
