package mbox

import (
	"time"

	"github.com/mailsync/mailsync/internal/store/filesig"
)

// Signature is the signature (store.Signer) of the mbox file path: its
// filesig signature. Every write to the file changes it. false when the
// file is missing or its signature is not settled at now.
func Signature(path string, now time.Time) ([]byte, bool) {
	s, err := filesig.Stat(path)
	if err != nil || !s.SettledAt(now) {
		return nil, false
	}
	return s.Append([]byte("mbox\n")), true
}
