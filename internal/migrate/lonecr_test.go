package migrate

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// TestLoneCR follows carriage returns that are not part of a CRLF, which
// no message read from an mbox has (c-client drops every CR), from a
// Maildir written by another program: Maildir → IMAP → MH → mbox. What
// each format loses (expect_test.go): IMAP, MH and Maildir lose a CR
// directly before a CRLF, Dovecot a CR that ends the message, an mbox
// every CR. A lone CR inside a line survives everything but the mbox.
func TestLoneCR(t *testing.T) {
	srv := serverA(t)
	h := newHome(t, "migrator")
	folder := fmt.Sprintf("LoneCR%d", folderSeq.Add(1))
	c := &corpus{msgs: map[string][]*message{}}
	for _, m := range []*message{
		compose("cr", "<lone-cr@migrate.test>", "a CR inside a line", stdHeader("lone CR"), "\n",
			[]byte("carriage\rreturn inside a line\n")),
		compose("cr", "<cr-cr-lf@migrate.test>", "CR CR LF", stdHeader("CR CR LF"), "\n",
			[]byte("two CRs\r\r\nend\n")),
		compose("cr", "<crlf-file@migrate.test>", "a file with CRLF line ends", stdHeader("CRLF file"), "\r\n",
			[]byte("crlf body\r\n")),
		compose("cr", "<cr-at-end@migrate.test>", "a CR ends the message", stdHeader("CR at the end"), "\n",
			[]byte("ends with a CR\r")),
	} {
		c.add(m)
	}
	for i, m := range c.msgs["cr"] {
		m.flags = flagCombo(i * 5)
		m.date = baseDate.Add(dateStep * time.Duration(i))
	}
	dir := h.path("Maildir/.cr")
	h.mkdir(t, "Maildir/cur", "Maildir/new", "Maildir/tmp", "Maildir/.cr/cur", "Maildir/.cr/new", "Maildir/.cr/tmp", "Mail")
	for i, m := range c.msgs["cr"] {
		p := filepath.Join(dir, "cur", fmt.Sprintf("%d.M%06dP1Q%d.other.example:2,%s", m.date.Unix(), i, i, maildirLetters(m.flags)))
		if err := os.WriteFile(p, m.text, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, m.date, m.date); err != nil {
			t.Fatal(err)
		}
	}
	h.write(t, ".mh_profile", []byte("Path: Mail\n"))
	h.write(t, ".mailsync", fmt.Appendf(nil, chainConfig, srv.Addr(), srv.User, srv.Password, folder))

	lst := local.New(store.Env{Home: h.dir, User: h.user, Host: "migrate.test"})
	sides := []side{
		{"maildir", fmtMaildir, lst, "Maildir/*", "Maildir/", []string{"Maildir"}},
		{"server", fmtIMAP, dialUser(t, srv, srv.User), folder + "/*", folder + "/", nil},
		{"mh", fmtMH, lst, "#mh/*", "#mh/", []string{"Mail"}},
		{"final", fmtMbox, lst, "final/*", "final/", []string{"final"}},
	}
	checkStore(t.Context(), t, "origin", c, []format{fmtMaildir}, sides[0])
	path := []format{fmtMaildir}
	for i := 1; i < len(sides); i++ {
		path = append(path, sides[i].f)
		runHop(t, h, hop{
			args: []string{fmt.Sprintf("hop%d", i+1)},
			src:  sides[i-1], dst: sides[i],
			c: c, path: append([]format(nil), path...), msinfo: fmt.Sprintf(".msinfo-hop%d", i+1),
		})
	}
}
