package fileio

import (
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SetTimes sets the access and modification times of the open file f
// (futimens(2): no second lookup of its path, as os.Chtimes makes).
func SetTimes(f interface {
	Fd() uintptr
	Name() string
}, atime, mtime time.Time) error {
	ts := [2]unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(mtime.UnixNano())}
	// utimensat(fd, NULL, ts, 0) is futimens(fd, ts).
	_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, f.Fd(), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
	if errno != 0 {
		return &os.PathError{Op: "futimens", Path: f.Name(), Err: errno}
	}
	return nil
}
