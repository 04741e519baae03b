//go:build !linux

package fileio

import (
	"os"
	"time"
)

// SetTimes sets the access and modification times of the open file f.
func SetTimes(f interface {
	Fd() uintptr
	Name() string
}, atime, mtime time.Time) error {
	return os.Chtimes(f.Name(), atime, mtime)
}
