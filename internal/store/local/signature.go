package local

import (
	"context"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/maildir"
	"github.com/mailsync/mailsync/internal/store/mbox"
	"github.com/mailsync/mailsync/internal/store/mh"
)

var _ store.Signer = (*Store)(nil)

// Signature implements store.Signer with the signature of the box's
// backend (mbox file, Maildir, MH folder).
func (s *Store) Signature(ctx context.Context, name string) ([]byte, bool) {
	if ctx.Err() != nil {
		return nil, false
	}
	path, k, err := s.resolve(name)
	if err != nil {
		return nil, false
	}
	now := s.env.Time()
	switch k {
	case kindMbox:
		return mbox.Signature(path, now)
	case kindMaildir:
		return maildir.Signature(path, now)
	case kindMH:
		return mh.Signature(path, now)
	}
	return nil, false
}
