// Package filesig tells whether a file or directory may have changed
// since it was last looked at: its signature is its device, inode, size,
// modification time and change time, to the nanosecond. Every write to a
// file, every entry added to, removed from or renamed within a directory,
// and every utime(2) moves the change time, which no program can set
// back.
//
// A signature taken while its file is still changing proves nothing: on
// file systems that keep times by the second (ext3, FAT, some NFS), or by
// the kernel's clock tick, a second change within the same step leaves
// the times as they were. A signature is therefore only trusted when it
// is settled: both times at least RacyWindow older than the moment it
// was taken (SettledAt) (as git treats "racily clean" files). Any later change then
// moves at least one of them.
package filesig

import (
	"encoding/binary"
	"fmt"
	"os"
	"syscall"
	"time"
)

// RacyWindow is how much older than the moment of a look a file's times
// must be for its signature to be trusted: more than any file system's
// time step.
const RacyWindow = 2 * time.Second

// Sig identifies a file's state.
type Sig struct {
	Dev, Ino           uint64
	Size, Mtime, Ctime int64 // times in nanoseconds since 1970
}

// Of returns the signature of a stat result; false where the platform
// gives no inode and change time.
func Of(fi os.FileInfo) (Sig, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Sig{}, false
	}
	return Sig{Dev: uint64(st.Dev), Ino: st.Ino, Size: st.Size,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano()}, true
}

// Stat returns the signature of the file at path (symbolic links
// followed).
func Stat(path string) (Sig, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Sig{}, err
	}
	s, ok := Of(fi)
	if !ok {
		return Sig{}, fmt.Errorf("stat %s: no inode and change time on this platform", path)
	}
	return s, nil
}

// SettledAt reports whether both times of s are RacyWindow older than
// now, the moment s was taken: no later change can leave them as they
// are. The caller reads now from its injected clock (store.Env.Now), the
// one clock of a run; a test moves that clock forward to trust the files
// it has just written.
func (s Sig) SettledAt(now time.Time) bool {
	limit := now.Add(-RacyWindow).UnixNano()
	return s.Mtime <= limit && s.Ctime <= limit
}

// Append appends s in a compact binary form (varints) to b.
func (s Sig) Append(b []byte) []byte {
	b = binary.AppendUvarint(b, s.Dev)
	b = binary.AppendUvarint(b, s.Ino)
	b = binary.AppendVarint(b, s.Size)
	b = binary.AppendVarint(b, s.Mtime)
	return binary.AppendVarint(b, s.Ctime)
}

// Reader is what Read needs: a byte reader (bufio.Reader, bytes.Reader).
type Reader interface {
	ReadByte() (byte, error)
}

// Read reads a signature written by Append.
func Read(r Reader) (Sig, error) {
	var s Sig
	var err error
	if s.Dev, err = binary.ReadUvarint(r); err != nil {
		return s, err
	}
	if s.Ino, err = binary.ReadUvarint(r); err != nil {
		return s, err
	}
	for _, v := range []*int64{&s.Size, &s.Mtime, &s.Ctime} {
		if *v, err = binary.ReadVarint(r); err != nil {
			return s, err
		}
	}
	return s, nil
}
