package imap

import (
	"context"
	"errors"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Signer = (*Store)(nil)

// errNoModSeq: the server cannot tell flag changes (no CONDSTORE).
var errNoModSeq = errors.New("no CONDSTORE")

// Signature implements store.Signer with STATUS (RFC 7162): the folder's
// UIDVALIDITY, UIDNEXT, message count and HIGHESTMODSEQ. Every append
// moves UIDNEXT, every flag change and expunge moves HIGHESTMODSEQ (which
// the server never moves back), a folder made anew gets a new
// UIDVALIDITY. false without CONDSTORE, for a folder without
// HIGHESTMODSEQ (NOMODSEQ) and on any error: the box is then read.
func (s *Store) Signature(ctx context.Context, name string) ([]byte, bool) {
	var sig []byte
	err := s.withSession(ctx, func(sess *session) error {
		if !sess.c.Caps().Has(goimap.CapCondStore) {
			return errNoModSeq
		}
		data, err := sess.c.Status(wire(name), &goimap.StatusOptions{
			NumMessages: true, UIDNext: true, UIDValidity: true, HighestModSeq: true,
		}).Wait()
		if err != nil {
			return err
		}
		if data.NumMessages == nil || data.UIDValidity == 0 || data.UIDNext == 0 || data.HighestModSeq == 0 {
			return errNoModSeq
		}
		s.mu.Lock()
		user := s.user
		s.mu.Unlock()
		sig = fmt.Appendf(nil, "imap %s user=%q authuser=%q folder=%q\n%d %d %d %d", s.srv.Address(), user, s.srv.AuthUser, name,
			data.UIDValidity, data.UIDNext, *data.NumMessages, data.HighestModSeq)
		return nil
	})
	return sig, err == nil
}
