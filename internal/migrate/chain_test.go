package migrate

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// folderSeq gives every run of a test its own folder on a shared server.
var folderSeq atomic.Int64

// chainConfig: one store per format, one channel per hop. %[1]s is the
// server's address, %[2]s/%[3]s its user and password, %[4]s the folder
// on the server private to the run.
const chainConfig = `store archive {
	pat	archive/*
	prefix	archive/
}
store maildir {
	pat	Maildir/*
	prefix	Maildir/
}
store server {
	server	{%[1]s/notls/user=%[2]s}
	ref	{%[1]s}
	pat	%[4]s/*
	prefix	%[4]s/
	passwd	%[3]s
}
store mh {
	pat	\#mh/*
	prefix	\#mh/
}
store final {
	pat	final/*
	prefix	final/
}
channel hop1 archive maildir {
	msinfo	.msinfo-hop1
}
channel hop2 maildir server {
	msinfo	.msinfo-hop2
}
channel hop3 server mh {
	msinfo	.msinfo-hop3
}
channel hop4 mh final {
	msinfo	.msinfo-hop4
}
`

// TestChain migrates the corpus mbox → Maildir (Maildir++) → IMAP
// (Dovecot) → MH → mbox, one channel per hop, through the mailsync
// binary. After each first run every message of the destination is
// compared with the corpus (expect_test.go says what must be identical
// and what each format cannot keep); the second run of each channel must
// print no copy or deletion and change no file (nor any message on the
// server). Dovecot must open the Maildir the first hop wrote as its own
// (checkDovecotOpens).
//
// The corpus holds the special messages of specials(), folders nested
// four deep, with spaces and non-ASCII names, a box of bigCount messages
// and a message of hugeSize bytes; with -short the last two are left
// out.
func TestChain(t *testing.T) {
	srv := serverA(t)
	c := newCorpus(!testing.Short())
	h := newHome(t, "migrator")
	folder := fmt.Sprintf("Chain%d", folderSeq.Add(1))
	start := time.Now()
	if err := writeArchive(h.path("archive"), c); err != nil {
		t.Fatal(err)
	}
	h.mkdir(t, "Maildir/cur", "Maildir/new", "Maildir/tmp", "Mail")
	h.write(t, ".mh_profile", []byte("Path: Mail\n"))
	h.write(t, ".mailsync", fmt.Appendf(nil, chainConfig, srv.Addr(), srv.User, srv.Password, folder))
	t.Logf("corpus: %d messages in %d boxes, written in %v", c.count(), len(c.boxes), time.Since(start).Round(time.Millisecond))

	lst := local.New(store.Env{Home: h.dir, User: h.user, Host: "migrate.test"})
	sides := []side{
		{"archive", fmtMbox, lst, "archive/*", "archive/", []string{"archive"}},
		{"maildir", fmtMaildir, lst, "Maildir/*", "Maildir/", []string{"Maildir"}},
		{"server", fmtIMAP, dialUser(t, srv, srv.User), folder + "/*", folder + "/", nil},
		{"mh", fmtMH, lst, "#mh/*", "#mh/", []string{"Mail"}},
		{"final", fmtMbox, lst, "final/*", "final/", []string{"final"}},
	}
	// The archive reads as the corpus says it must.
	checkStore(t.Context(), t, "archive", c, []format{fmtMbox}, sides[0])
	path := []format{fmtMbox}
	for i := 1; i < len(sides); i++ {
		path = append(path, sides[i].f)
		runHop(t, h, hop{
			args: []string{fmt.Sprintf("hop%d", i)},
			src:  sides[i-1], dst: sides[i],
			c: c, path: append([]format(nil), path...), msinfo: fmt.Sprintf(".msinfo-hop%d", i),
		})
		if sides[i].name == "maildir" {
			checkDovecotOpens(t, h.path("Maildir"), c)
		}
	}
}
