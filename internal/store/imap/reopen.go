package imap

import (
	"context"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

// reopen gives the mailbox a new connection with its folder selected
// again, after the server refused an APPEND before its literal: go-imap
// closes the connection when a synchronising literal's continuation is
// answered NO (Courier has no LITERAL+ and refuses an APPEND to a folder
// without the insert right so), yet nothing is wrong with the folder, so
// the refused copy must fail alone and the mailbox go on
// (doc/design/servers.md, "Folders the user may not change"). Keys stay
// valid only under the same UIDVALIDITY: otherwise, or when the new
// connection fails, the mailbox stays broken.
func (m *Mailbox) reopen(ctx context.Context) {
	sess, err := m.st.take(ctx)
	if err != nil {
		return
	}
	stop := sess.bindContext(ctx)
	data, err := sess.c.Select(wire(m.name), &goimap.SelectOptions{ReadOnly: m.mode == store.ReadOnly}).Wait()
	cut := !stop()
	if err != nil || cut || data.UIDValidity != m.uidValidity {
		// A folder may be selected on it: never back to the idle pool.
		m.st.give(sess, true)
		return
	}
	m.st.give(m.sess, true) // the refused one, closed
	m.sess, m.broken, m.dropped = sess, false, nil
	m.count = data.NumMessages
}
