package maildir

import (
	"encoding/binary"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// direntBuf is the getdents(2) buffer of readNames.
const direntBuf = 64 << 10

// readNames lists the names of the message files of a directory of a
// Maildir in the order the file system returns them: every entry but dot
// files and directories. It reads the directory's records itself (Linux
// dirent64), without an os.DirEntry per file as os.File.ReadDir makes.
func readNames(dir string) ([]string, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	for errors.Is(err, unix.EINTR) {
		fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	buf := make([]byte, direntBuf)
	var names []string
	for {
		n, err := unix.Getdents(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "getdents", Path: dir, Err: err}
		}
		if n <= 0 {
			return names, nil
		}
		names = appendDirents(names, buf[:n], dir)
	}
}

// appendDirents appends the names of the message files among the
// dirent64 records in b (d_ino 8 bytes, d_off 8, d_reclen 2, d_type 1,
// d_name NUL-terminated). A file system that gives no type (DT_UNKNOWN)
// has the entry looked up in dir.
func appendDirents(names []string, b []byte, dir string) []string {
	for len(b) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < 19 || reclen > len(b) {
			break
		}
		rec := b[:reclen]
		b = b[reclen:]
		ino := binary.NativeEndian.Uint64(rec[0:8])
		typ := rec[18]
		name := rec[19:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if ino == 0 || len(name) == 0 || name[0] == '.' || typ == unix.DT_DIR {
			continue
		}
		if typ == unix.DT_UNKNOWN {
			if fi, err := os.Lstat(dir + "/" + string(name)); err == nil && fi.IsDir() {
				continue
			}
		}
		names = append(names, string(name))
	}
	return names
}
