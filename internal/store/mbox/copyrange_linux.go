package mbox

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// copyRange copies n bytes of src from offset off to dst at dst's file
// offset with copy_file_range(2): the kernel moves the bytes (or shares
// them, on file systems that can), without a pass through user space. A
// rewrite copies whole mailboxes, so this halves its cost. handled is
// false when the kernel cannot do it for these files (the caller then
// copies by hand); on an error after some bytes were copied it is true.
func copyRange(dst, src *os.File, off, n int64) (handled bool, err error) {
	for n > 0 {
		c, err := unix.CopyFileRange(int(src.Fd()), &off, int(dst.Fd()), nil, int(min(n, 1<<30)), 0)
		if err != nil {
			if !handled && (errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EXDEV) ||
				errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP)) {
				return false, nil
			}
			return true, err
		}
		if c == 0 {
			return true, errors.New("copy_file_range: unexpected end of file")
		}
		handled = true
		n -= int64(c)
	}
	return true, nil
}
