//go:build !linux

package mh

import (
	"os"
	"time"
)

// accessTime returns the modification time: outside Linux this package
// does not read access times, so every message reads as unseen.
func accessTime(fi os.FileInfo) time.Time {
	return fi.ModTime()
}
