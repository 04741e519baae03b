package maildir

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

// dirent is one dirent64 record, padded to 8 bytes as the kernel pads.
func dirent(ino uint64, typ byte, name string) []byte {
	n := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, n)
	binary.NativeEndian.PutUint64(b[0:], ino)
	binary.NativeEndian.PutUint16(b[16:], uint16(n))
	b[18] = typ
	copy(b[19:], name)
	return b
}

// TestDirents: message files are listed; dot files, directories (also
// those a file system reports without type) and deleted records are not.
func TestDirents(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var b []byte
	for _, d := range [][]byte{
		dirent(1, unix.DT_DIR, "."), dirent(2, unix.DT_DIR, ".."),
		dirent(3, unix.DT_REG, "1.M1P1.h:2,S"), dirent(4, unix.DT_REG, ".hidden"),
		dirent(5, unix.DT_DIR, "adir"), dirent(0, unix.DT_REG, "deleted"),
		dirent(6, unix.DT_UNKNOWN, "sub"), dirent(7, unix.DT_UNKNOWN, "plain"),
		dirent(8, unix.DT_REG, "a-rather-long-name-1700000000.M123456P789Q1.host,S=1234,W=1250:2,FRS"),
	} {
		b = append(b, d...)
	}
	got := appendDirents(nil, b, dir)
	want := []string{"1.M1P1.h:2,S", "plain", "a-rather-long-name-1700000000.M123456P789Q1.host,S=1234,W=1250:2,FRS"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
	if got := appendDirents(nil, b[:len(b)-3], dir); len(got) != 2 {
		t.Errorf("a truncated record was read: %q", got)
	}
}
