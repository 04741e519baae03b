package fileio

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestSetTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	at, mt := time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC), time.Date(2002, 3, 4, 5, 6, 7, 8000, time.UTC)
	if err := SetTimes(f, at, mt); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(mt) {
		t.Errorf("modification time %v, want %v", fi.ModTime(), mt)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && !time.Unix(st.Atim.Unix()).Equal(at) {
		t.Errorf("access time %v, want %v", time.Unix(st.Atim.Unix()), at)
	}
}
