// Package atomicfile replaces a file whole, so that a crash at any point
// leaves either the old content or the new one, never a mix: the state
// files (the msinfo, the flag state) are written through it
// (doc/design/state.md, "The msinfo": atomic replacement).
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write replaces the file at path with what write writes. It writes a
// temporary file in path's directory, named by pattern as os.CreateTemp
// names files (mode 0600), through a buffer, fsyncs it, renames it over
// path and fsyncs the directory. When write or any step fails, the
// temporary file is removed and path is as it was; the error is the
// step's (an error from write as it is), without path, which the caller
// names in its own words, except that a failed sync of the directory
// (after the rename: path has the new content) names the directory.
func Write(path, pattern string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
