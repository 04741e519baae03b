package mh

import (
	"os"
	"syscall"
	"time"
)

// accessTime returns the access time recorded in fi.
func accessTime(fi os.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Atim.Sec, st.Atim.Nsec)
	}
	return fi.ModTime()
}
