package maildir

import (
	"path/filepath"
	"time"

	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Signature is the signature (store.Signer) of the Maildir dir: those of
// its cur/ and new/ directories. Every delivery, move, flag change (a
// rename) and removal changes a directory's times; message files are
// never changed in place. false when either is missing or not settled at
// now.
func Signature(dir string, now time.Time) ([]byte, bool) {
	sig := []byte("maildir\n")
	for _, sub := range []string{"cur", "new"} {
		s, err := filesig.Stat(filepath.Join(dir, sub))
		if err != nil || !s.SettledAt(now) {
			return nil, false
		}
		sig = s.Append(sig)
	}
	return sig, true
}
