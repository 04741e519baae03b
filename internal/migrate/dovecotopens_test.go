package migrate

import (
	"slices"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// checkDovecotOpens hands the Maildir++ tree mailsync wrote (root, the
// home's Maildir) to a Dovecot of its own, as the mail of an account, and
// reads it through IMAP as Dovecot sees it: every folder of the corpus
// but the inbox (Dovecot's INBOX is the root itself) must open under
// its name, decoded by the IMAP client (Entwürfe, Données/Été 2024), and
// hold the corpus's count of messages (issue 12 item 2).
func checkDovecotOpens(t *testing.T, root string, c *corpus) {
	t.Helper()
	s := dovecot.Start(t, dovecot.Options{Delim: '/', Users: []dovecot.User{{Name: "reader", Password: "secret"}}})
	a := s.Account("reader")
	if err := a.ImportMaildir(root); err != nil {
		t.Fatal(err)
	}
	cl, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Login(a.Name, a.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	list, err := cl.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	t.Logf("Dovecot lists the Maildir mailsync wrote as %q", names)
	for _, box := range []string{boxDrafts, boxSummer} {
		if !slices.Contains(names, box) {
			t.Errorf("Dovecot does not list %q in the Maildir mailsync wrote; it lists %q", box, names)
		}
	}
	for _, box := range c.boxes {
		if box == boxInbox {
			// The corpus's "inbox" is the folder .inbox, which Dovecot
			// does not show: its INBOX is the root's own cur and new.
			continue
		}
		data, err := cl.Select(box, &goimap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Errorf("Dovecot cannot open %q in the Maildir mailsync wrote: %v", box, err)
			continue
		}
		if int(data.NumMessages) != len(c.msgs[box]) {
			t.Errorf("Dovecot sees %d messages in %q, the corpus has %d", data.NumMessages, box, len(c.msgs[box]))
		}
	}
}
