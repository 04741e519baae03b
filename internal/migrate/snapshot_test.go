package migrate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/mailsync/mailsync/internal/store"
)

// fileState is what a no-op run must leave unchanged about a file or
// directory: its kind and permissions, size, modification time, contents
// and, in an MH folder, its access time (MH stores \Seen in it; elsewhere
// reading a file may advance its access time, which is no change).
type fileState struct {
	mode         fs.FileMode
	size         int64
	mtime, atime int64 // nanoseconds
	sum          [32]byte
}

// snapshot records every file and directory below the given roots (the
// access times of files below atimeRoots too), reading contents with
// O_NOATIME so that taking it changes no access time (reading an unseen
// MH message would otherwise make it seen).
func snapshot(roots, atimeRoots []string) (map[string]fileState, error) {
	out := map[string]fileState{}
	for i, root := range append(roots, atimeRoots...) {
		withAtime := i >= len(roots)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := os.Lstat(path)
			if err != nil {
				return err
			}
			st := fileState{mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime().UnixNano()}
			if sys, ok := fi.Sys().(*syscall.Stat_t); ok && withAtime && fi.Mode().IsRegular() {
				st.atime = sys.Atim.Nano()
			}
			if fi.Mode().IsRegular() {
				if st.sum, err = hashFile(path); err != nil {
					return err
				}
			}
			if fi.IsDir() {
				st.size, st.mtime = 0, 0 // a directory's own size and time change when a lock file comes and goes
			}
			out[path] = st
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", root, err)
		}
	}
	return out, nil
}

func hashFile(path string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOATIME, 0)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// diffSnapshots lists what changed between two snapshots.
func diffSnapshots(before, after map[string]fileState) []string {
	var out []string
	for p, a := range after {
		b, ok := before[p]
		switch {
		case !ok:
			out = append(out, "new: "+p)
		case a != b:
			out = append(out, fmt.Sprintf("changed: %s (%+v -> %+v)", p, b, a))
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "gone: "+p)
		}
	}
	sort.Strings(out)
	return out
}

// imapState is what a no-op run must leave unchanged on a server: every
// folder's messages (UID, flags, internal date, size).
type imapState map[string][]store.Message

func snapshotIMAP(ctx context.Context, st store.Store, pat string) (imapState, error) {
	list, err := st.List(ctx, "", pat)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", pat, err)
	}
	out := imapState{}
	for _, e := range list {
		if e.NoSelect {
			out[userName(e.Name)] = nil
			continue
		}
		mb, err := st.Open(ctx, e.Name, store.ReadOnly)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", e.Name, err)
		}
		msgs, err := mb.Messages(ctx)
		mb.Close()
		if err != nil {
			return nil, fmt.Errorf("messages of %s: %w", e.Name, err)
		}
		for i := range msgs {
			msgs[i].Header = nil
			msgs[i].Flags &= store.CopiedFlags
		}
		out[userName(e.Name)] = msgs
	}
	return out, nil
}

func diffIMAP(before, after imapState) []string {
	var out []string
	for name, a := range after {
		b, ok := before[name]
		if !ok {
			out = append(out, "new folder: "+name)
			continue
		}
		if len(a) != len(b) {
			out = append(out, fmt.Sprintf("%s: %d messages, were %d", name, len(a), len(b)))
			continue
		}
		for i := range a {
			if a[i].Key != b[i].Key || a[i].Flags != b[i].Flags || a[i].Size != b[i].Size || !a[i].InternalDate.Equal(b[i].InternalDate) {
				out = append(out, fmt.Sprintf("%s: message %d changed: %+v -> %+v", name, i, b[i], a[i]))
				break
			}
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, "folder gone: "+name)
		}
	}
	sort.Strings(out)
	return out
}
