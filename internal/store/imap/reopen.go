package imap

import (
	"context"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
)

// Folders the user may read but not change (doc/design/servers.md,
// "Folders the user may not change"): what the server refuses for lack
// of a right fails alone. A refusal is taken for one only when the
// server says so: it offers ACL (RFC 4314) and MYRIGHTS lacks the right.
// Any other refusal (a full mailbox, a folder deleted under the session)
// is the failure it always was.

// lacksRights reports whether the server says (MYRIGHTS) that the user
// has none of rights on the mailbox; false when it cannot tell.
func (m *Mailbox) lacksRights(sess *session, rights string) bool {
	if !sess.c.Caps().Has(goimap.CapACL) {
		return false
	}
	data, err := sess.c.MyRights(wire(m.name)).Wait()
	if err != nil {
		return false
	}
	return !strings.ContainsAny(string(data.Rights), rights)
}

// afterRefusedAppend runs after the server refused an APPEND before its
// literal (a NO to the synchronising literal: Courier, which has no
// LITERAL+, answers so for a folder without the insert right), on which
// go-imap closes the connection. When the user lacks the insert right,
// the mailbox selects its folder again on a new connection (keys stay
// valid under the same UIDVALIDITY) and every later Append fails at once
// with refusal: the copies out and the rest of the sync go on. Otherwise,
// or when that fails, the mailbox stays broken.
func (m *Mailbox) afterRefusedAppend(ctx context.Context, refusal error) {
	sess, err := m.st.take(ctx)
	if err != nil {
		return
	}
	stop := sess.bindContext(ctx)
	ok := m.lacksRights(sess, "i")
	var data *goimap.SelectData
	if ok {
		data, err = sess.sendSelect(m.name, m.mode, m).Wait()
		ok = err == nil && data.UIDValidity == m.uidValidity
	}
	cut := !stop()
	if !ok || cut {
		// A folder may be selected on it: never back to the idle pool.
		m.st.give(sess, data != nil || cut || !sess.alive())
		return
	}
	m.st.give(m.sess, true) // the refused one, closed
	m.sess, m.broken, m.dropped = sess, false, nil
	m.count = data.NumMessages
	m.noInsert = refusal
}
