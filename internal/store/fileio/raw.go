package fileio

import (
	"errors"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Raw is an open regular file used through its descriptor alone: no
// *os.File, whose creation costs an fcntl(2) per file (os.NewFile asks
// whether the descriptor is non-blocking). For the many short-lived
// files of Maildir reads and deliveries.
type Raw struct {
	fd   int
	name string
}

// OpenRaw opens path like OpenFile.
func OpenRaw(path string, flag int, perm os.FileMode) (*Raw, error) {
	for {
		fd, err := unix.Open(path, flag|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err == nil {
			return &Raw{fd: fd, name: path}, nil
		}
		if !errors.Is(err, unix.EINTR) {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
	}
}

// Name is the path the file was opened with.
func (f *Raw) Name() string { return f.name }

// Fd is the file's descriptor.
func (f *Raw) Fd() uintptr { return uintptr(f.fd) }

// Read reads up to len(p) bytes; io.EOF at the end of the file.
func (f *Raw) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(f.fd, p)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return 0, &os.PathError{Op: "read", Path: f.name, Err: err}
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Write writes all of p.
func (f *Raw) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := unix.Write(f.fd, p[done:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return done, &os.PathError{Op: "write", Path: f.name, Err: err}
		}
		done += n
	}
	return done, nil
}

// Stat returns the file's status.
func (f *Raw) Stat() (syscall.Stat_t, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(f.fd, &st); err != nil {
		return st, &os.PathError{Op: "fstat", Path: f.name, Err: err}
	}
	return st, nil
}

// Sync flushes the file to stable storage (fsync(2)).
func (f *Raw) Sync() error {
	for {
		err := unix.Fsync(f.fd)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "sync", Path: f.name, Err: err}
		}
		return nil
	}
}

// Close closes the file; later calls fail.
func (f *Raw) Close() error {
	if f.fd < 0 {
		return &os.PathError{Op: "close", Path: f.name, Err: os.ErrClosed}
	}
	err := unix.Close(f.fd)
	f.fd = -1
	if err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}
