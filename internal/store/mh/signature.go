package mh

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Signature is the signature (store.Signer) of the MH folder dir: that of
// the directory, whose times change with every message file added,
// renamed or removed, that of its .mh_sequences file (\Answered,
// \Flagged, \Draft), which nmh rewrites in place, and a digest of which
// messages read as \Seen (their files' times, which change neither: a
// program that reads a message, as c-client does when it shows it,
// advances only its access time). false when dir is missing or the
// directory or the sequence file is not settled at now.
func Signature(dir string, now time.Time) ([]byte, bool) {
	d, err := filesig.Stat(dir)
	if err != nil || !d.SettledAt(now) {
		return nil, false
	}
	sig := d.Append([]byte("mh\n"))
	seen, err := seenDigest(dir)
	if err != nil {
		return nil, false
	}
	sig = append(sig, seen...)
	seq, err := filesig.Stat(filepath.Join(dir, seqFileName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return append(sig, 0), true
	case err != nil || !seq.SettledAt(now):
		return nil, false
	}
	return seq.Append(append(sig, 1)), true
}

// seenDigest is a digest of the message file names of dir, each with
// whether it reads as \Seen (readMessage's rule: access time after
// modification time, in whole seconds). The seen state is what a read
// at this moment finds: it needs no settling, as both times are compared
// by the second.
func seenDigest(dir string) ([]byte, error) {
	fh, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	names, err := fh.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	sort.Strings(names) // the order of a directory's entries may change
	h := sha256.New()
	buf := make([]byte, 0, 64)
	fd := int(fh.Fd())
	for _, name := range names {
		if !IsMessageName(name) {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstatat(fd, name, &st, 0); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue // removed meanwhile: the directory's times moved
			}
			return nil, err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		mark := byte('u')
		if st.Atim.Sec > st.Mtim.Sec {
			mark = 's'
		}
		buf = append(append(append(buf[:0], name...), ' ', mark), '\n')
		h.Write(buf)
	}
	return h.Sum(nil), nil
}
