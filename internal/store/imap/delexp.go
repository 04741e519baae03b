package imap

import (
	"context"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.DeleteExpunger = (*Mailbox)(nil)

// MarkDeletedAndExpunge implements store.DeleteExpunger
// (doc/design/wan.md): UID STORE +FLAGS.SILENT (\Deleted) and EXPUNGE are
// sent together and cost one round trip; each answer is what MarkDeleted
// and Expunge would have made of it. EXPUNGE, not UID EXPUNGE: like
// 5.2.7, a sync expunges every message flagged \Deleted, and its
// "Expunged N mails" counts them all. Under a protocol trace (-di) the
// two wait for each other, as before.
func (m *Mailbox) MarkDeletedAndExpunge(ctx context.Context, keys []uint64) (error, int, error) {
	if m.st.trace != nil || m.mode == store.ReadOnly || len(keys) == 0 {
		markErr := m.MarkDeleted(ctx, keys)
		n, err := m.Expunge(ctx)
		return markErr, n, err
	}
	var set goimap.UIDSet
	for _, k := range keys {
		set.AddNum(goimap.UID(k))
	}
	// The EXPUNGE's answer is read beside the STORE's: a server may send
	// the expunged messages before it completes the STORE (Dovecot
	// does), and go-imap hands them to the EXPUNGE's reader alone.
	type expunged struct {
		n   int
		err error
	}
	var done chan expunged
	markErr := m.run(ctx, func() error {
		st := m.sess.c.Store(set, &goimap.StoreFlags{
			Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted},
		}, nil)
		exp := m.sess.c.Expunge()
		done = make(chan expunged, 1) // unread when the connection broke
		go func() {
			seqs, err := exp.Collect()
			done <- expunged{len(seqs), err}
		}()
		return st.Close()
	})
	if markErr != nil {
		markErr = fmt.Errorf("flag messages deleted in %s: %s", m.name, errText(markErr))
	} else {
		m.flagged = true
	}
	var n int
	expErr := m.run(ctx, func() error {
		if done == nil {
			return m.lost()
		}
		x := <-done
		n = x.n
		return x.err
	})
	n, expErr = m.expunged(ctx, n, expErr)
	return markErr, n, expErr
}
