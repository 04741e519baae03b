package cachefile

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFile: a blob reads back only with its kind and identity, never
// damaged, and without a directory nothing is written.
func TestFile(t *testing.T) {
	dir := t.TempDir()
	content := append(New("k 1", "box", 3), "abc"...)
	if err := Write(dir, "box", content); err != nil {
		t.Fatal(err)
	}
	if p, ok := Read(dir, "k 1", "box"); !ok || string(p) != "abc" {
		t.Fatalf("payload %q %v", p, ok)
	}
	if _, ok := Read(dir, "k 2", "box"); ok {
		t.Error("another kind read the blob")
	}
	if _, ok := Read(dir, "k 1", "other"); ok {
		t.Error("another identity read the blob")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	data, _ := os.ReadFile(files[0])
	data[len(data)-6] ^= 1
	os.WriteFile(files[0], data, 0o600)
	if _, ok := Read(dir, "k 1", "box"); ok {
		t.Error("a damaged blob was read")
	}
	if err := Write("", "box", content); err != nil {
		t.Fatal(err)
	}
	if _, ok := Read("", "k 1", "box"); ok {
		t.Error("a blob without a directory")
	}
}

// TestStream: a streamed blob reads back like a written one, and an
// aborted or damaged one not at all.
func TestStream(t *testing.T) {
	dir := t.TempDir()
	bw := Create(dir, "s 1", "box")
	for i := 0; i < 1000; i++ {
		bw.Write([]byte("0123456789"))
	}
	if err := bw.Commit(); err != nil {
		t.Fatal(err)
	}
	r, ok := Open(dir, "s 1", "box")
	if !ok {
		t.Fatal("no blob")
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil || len(data) != 10000 || string(data[:10]) != "0123456789" {
		t.Fatalf("payload %d bytes, %v", len(data), err)
	}
	if p, ok := Read(dir, "s 1", "box"); !ok || !bytes.Equal(p, data) {
		t.Fatal("Read and Open disagree")
	}
	bw = Create(dir, "s 1", "box")
	bw.Write([]byte("other"))
	bw.Abort()
	if p, ok := Read(dir, "s 1", "box"); !ok || !bytes.Equal(p, data) {
		t.Fatal("an aborted blob replaced the file")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Fatalf("files left: %v", files)
	}
	if _, ok := Open(dir, "s 2", "box"); ok {
		t.Error("another kind opened the blob")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	raw, _ := os.ReadFile(files[0])
	raw[100] ^= 1
	os.WriteFile(files[0], raw, 0o600)
	if _, ok := Open(dir, "s 1", "box"); ok {
		t.Error("a damaged blob was opened")
	}
}

// TestWriteChanged: a file that holds the content already is left alone
// (the same inode: no rename); other content, or a damaged file, is
// replaced.
func TestWriteChanged(t *testing.T) {
	dir := t.TempDir()
	content := func(p string) []byte { return append(New("k 1", "box", len(p)), p...) }
	inode := func() uint64 {
		t.Helper()
		fi, err := os.Stat(filePath(dir, "box"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Sys().(*syscall.Stat_t).Ino
	}
	if err := WriteChanged(dir, "box", content("abc")); err != nil {
		t.Fatal(err)
	}
	first := inode()
	if err := WriteChanged(dir, "box", content("abc")); err != nil {
		t.Fatal(err)
	}
	if inode() != first {
		t.Error("the same content was written again")
	}
	if err := WriteChanged(dir, "box", content("abd")); err != nil {
		t.Fatal(err)
	}
	if p, ok := Read(dir, "k 1", "box"); !ok || string(p) != "abd" {
		t.Fatalf("after new content: payload %q %v", p, ok)
	}
	path := filePath(dir, "box")
	data, _ := os.ReadFile(path)
	data[len(data)-1] ^= 1 // the checksum: the payload is as it should be
	os.WriteFile(path, data, 0o600)
	if err := WriteChanged(dir, "box", content("abd")); err != nil {
		t.Fatal(err)
	}
	if p, ok := Read(dir, "k 1", "box"); !ok || string(p) != "abd" {
		t.Fatalf("a damaged file was kept: payload %q %v", p, ok)
	}
}
