package migrate

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// guideDir holds the example configurations of the migration guide
// (doc/migration.md).
const guideDir = "../../testdata/migrate"

// The example configurations are the guide's, except that the parts
// that name a real server are placeholders: ${IMAPHOST}, ${IMAPUSER},
// ${IMAPPASSWORD} (mbox-to-imap) and ${OLDHOST}, ${OLDUSER},
// ${OLDPASSWORD}, ${NEWHOST}, ${NEWUSER}, ${NEWPASSWORD} (imap-to-imap).
// The guide shows each file with readmeValues put in (TestGuideInDoc
// checks that); the tests put in a private Dovecot's 127.0.0.1:PORT (its
// implicit-TLS port: the examples use /ssl, and mailsync trusts the test
// CA through SSL_CERT_FILE), user and password.
var readmeValues = map[string]string{
	"IMAPHOST": "imap.example.org", "IMAPUSER": "sam", "IMAPPASSWORD": "secret",
	"OLDHOST": "mail.example.net", "OLDUSER": "sam", "OLDPASSWORD": "old-secret",
	"NEWHOST": "imap.example.org", "NEWUSER": "sam", "NEWPASSWORD": "secret",
}

// guideConfig returns the example configuration name with values put in
// for its placeholders; a placeholder without a value fails the test.
func guideConfig(t *testing.T, name string, values map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(guideDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(os.Expand(string(data), func(k string) string {
		v, ok := values[k]
		if !ok {
			t.Fatalf("%s: no value for ${%s}", name, k)
		}
		return v
	}))
}

// The guide's commands use -n (a migration never deletes anything), and
// so do the tests.

// TestGuideMboxToMaildir runs mbox-to-maildir.mailsync: the mbox folders
// in ~/Mail and the inbox ~/mbox into the Maildir++ tree ~/Maildir.
func TestGuideMboxToMaildir(t *testing.T) {
	c := newCorpus(false)
	inbox := inboxCorpus("")
	h := newHome(t, "sam")
	if err := writeArchive(h.path("Mail"), c); err != nil {
		t.Fatal(err)
	}
	if err := writeMbox(h.path("mbox"), inbox.msgs[""], false); err != nil {
		t.Fatal(err)
	}
	h.mkdir(t, "Maildir/cur", "Maildir/new", "Maildir/tmp")
	h.write(t, "mbox-to-maildir.mailsync", guideConfig(t, "mbox-to-maildir.mailsync", nil))
	cfg := h.path("mbox-to-maildir.mailsync")
	lst := local.New(store.Env{Home: h.dir, User: h.user, Host: "migrate.test"})
	runHop(t, h, hop{
		args: []string{"-n", "-f", cfg, "folders"},
		src:  side{"mboxes", fmtMbox, lst, "Mail/*", "Mail/", []string{"Mail"}},
		dst:  side{"maildirs", fmtMaildir, lst, "Maildir/*", "Maildir/", []string{"Maildir"}},
		c:    c, path: []format{fmtMbox, fmtMaildir}, msinfo: ".mailsync-folders",
	})
	runHop(t, h, hop{
		args: []string{"-n", "-f", cfg, "inbox"},
		src:  side{"spool", fmtMbox, lst, "INBOX", "INBOX", []string{"mbox"}},
		dst:  side{"maildir-inbox", fmtMaildir, lst, "Maildir", "Maildir", []string{"Maildir"}},
		c:    inbox, path: []format{fmtMbox, fmtMaildir}, msinfo: ".mailsync-inbox",
	})
}

// TestGuideIMAP runs mbox-to-imap.mailsync (an mbox archive into the
// folder Archive of server A's user sam), then imap-to-imap.mailsync
// (that account, whose INBOX also holds mail, to user sam of server B,
// which names folders with '.').
func TestGuideIMAP(t *testing.T) {
	a, b := serverA(t), serverB(t)
	oldSt, newSt := dialUser(t, a, "sam"), dialUser(t, b, "sam")
	for _, st := range []store.Store{oldSt, newSt} {
		if err := emptyAccount(t.Context(), st); err != nil {
			t.Fatal(err)
		}
	}
	c := newCorpus(false)
	h := newHome(t, "sam")
	h.extra = []string{"SSL_CERT_FILE=" + a.CAFile}
	if err := writeArchive(h.path("archive"), c); err != nil {
		t.Fatal(err)
	}
	h.write(t, "mbox-to-imap.mailsync", guideConfig(t, "mbox-to-imap.mailsync", map[string]string{
		"IMAPHOST": a.TLSAddr(), "IMAPUSER": "sam", "IMAPPASSWORD": a.Account("sam").Password,
	}))
	lst := local.New(store.Env{Home: h.dir, User: h.user, Host: "migrate.test"})
	runHop(t, h, hop{
		args: []string{"-n", "-f", h.path("mbox-to-imap.mailsync"), "upload"},
		src:  side{"archive", fmtMbox, lst, "archive/*", "archive/", []string{"archive"}},
		dst:  side{"server", fmtIMAP, oldSt, "Archive/*", "Archive/", nil},
		c:    c, path: []format{fmtMbox, fmtIMAP}, msinfo: ".mailsync-upload",
	})

	// The old account: the uploaded archive below Archive, and mail in
	// INBOX (put there as a delivery agent would).
	inbox := inboxCorpus("INBOX")
	var load []dovecot.Message
	for _, m := range inbox.msgs["INBOX"] {
		load = append(load, dovecot.Message{Raw: m.text, Flags: maildirLetters(m.flags), Time: m.date})
	}
	if err := a.Account("sam").LoadMessages(t.Context(), "INBOX", load); err != nil {
		t.Fatal(err)
	}
	all := &corpus{msgs: map[string][]*message{}}
	for _, box := range c.boxes {
		for _, m := range c.msgs[box] {
			mm := *m
			mm.box = "Archive/" + box
			all.add(&mm)
		}
	}
	for _, m := range inbox.msgs["INBOX"] {
		all.add(m)
	}
	h.write(t, "imap-to-imap.mailsync", guideConfig(t, "imap-to-imap.mailsync", map[string]string{
		"OLDHOST": a.TLSAddr(), "OLDUSER": "sam", "OLDPASSWORD": a.Account("sam").Password,
		"NEWHOST": b.TLSAddr(), "NEWUSER": "sam", "NEWPASSWORD": b.Account("sam").Password,
	}))
	runHop(t, h, hop{
		args: []string{"-n", "-f", h.path("imap-to-imap.mailsync"), "move"},
		src:  side{"old", fmtIMAP, oldSt, "*", "", nil},
		dst:  side{"new", fmtIMAP, newSt, "*", "", nil},
		c:    all, path: []format{fmtMbox, fmtIMAP, fmtIMAP}, msinfo: ".mailsync-move",
	})
}

// inboxCorpus is a few messages in the box named box, as mail in an
// inbox: plain text with LF line ends, dated before the corpus.
func inboxCorpus(box string) *corpus {
	c := &corpus{msgs: map[string][]*message{}}
	for i := 0; i < 6; i++ {
		m := simple(box, i, fmt.Sprintf("inbox message %d", i))
		m.flags = flagCombo(i * 3)
		m.date = baseDate.Add(-time.Duration(i+1) * dateStep)
		m.zone = zones[i%len(zones)]
		c.add(m)
	}
	return c
}

// maildirLetters are the Maildir flag letters of f (for LoadMessages).
func maildirLetters(f store.Flags) string {
	s := ""
	for _, x := range []struct {
		f store.Flags
		c string
	}{{store.Draft, "D"}, {store.Flagged, "F"}, {store.Answered, "R"}, {store.Seen, "S"}} {
		if f&x.f != 0 {
			s += x.c
		}
	}
	return s
}
