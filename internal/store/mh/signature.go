package mh

import (
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Signature is the signature (store.Signer) of the MH folder dir: that of
// the directory, whose times change with every message file added,
// renamed or removed, and that of its .mh_sequences file (flags), which
// nmh rewrites in place. false when dir is missing or either is not
// settled at now.
func Signature(dir string, now time.Time) ([]byte, bool) {
	d, err := filesig.Stat(dir)
	if err != nil || !d.SettledAt(now) {
		return nil, false
	}
	sig := d.Append([]byte("mh\n"))
	seq, err := filesig.Stat(filepath.Join(dir, seqFileName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return append(sig, 0), true
	case err != nil || !seq.SettledAt(now):
		return nil, false
	}
	return seq.Append(append(sig, 1)), true
}
