package filesig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSigChangesAndSettles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	s1, err := Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s1.SettledAt(time.Now()) {
		t.Error("a file written just now is settled")
	}
	if !s1.SettledAt(time.Now().Add(RacyWindow + time.Second)) {
		t.Error("a file not settled after the racy window")
	}
	// The same size, the modification time set back: the change time
	// still moves.
	fi, _ := os.Stat(path)
	if err := os.WriteFile(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if s2, _ := Stat(path); s2 == s1 {
		t.Error("an in-place change with the modification time set back left the signature alone")
	}
	// Entries added to a directory change its signature.
	d1, _ := Stat(dir)
	time.Sleep(30 * time.Millisecond) // more than a coarse clock tick
	os.WriteFile(filepath.Join(dir, "g"), nil, 0o600)
	if d2, _ := Stat(dir); d2 == d1 {
		t.Error("a new entry left the directory's signature alone")
	}
	if _, err := Stat(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file has a signature")
	}
}

func TestAppendRead(t *testing.T) {
	s := Sig{Dev: 1 << 40, Ino: 7, Size: -1, Mtime: 1764133200123456789, Ctime: 0}
	b := s.Append([]byte("x"))
	got, err := Read(bytes.NewReader(b[1:]))
	if err != nil || got != s {
		t.Fatalf("read %+v, %v", got, err)
	}
	if _, err := Read(bytes.NewReader(b[1 : len(b)-1])); err == nil {
		t.Error("a truncated signature reads")
	}
}
