package imap_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// TestCloseLogsOutAtOnce: Close sends the LOGOUT of every connection of
// the pool before it waits for any answer (over a link, one after the
// other cost a round trip each). The server answers no LOGOUT until all
// three connections have sent theirs; a Close that waited for each
// answer in turn would leave the first waiting alone.
func TestCloseLogsOutAtOnce(t *testing.T) {
	const conns = 3
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	answer := scriptWith("IMAP4rev1 AUTH=PLAIN CONDSTORE LIST-EXTENDED LIST-STATUS", []string{"A", "B", "C"},
		func(c *imapscript.Conn, cmd imapscript.Command) {
			switch cmd.Name {
			case "SELECT", "EXAMINE":
				selectOK(c, cmd, 0)
			default:
				c.Writef("%s BAD unexpected\r\n", cmd.Tag)
			}
		})
	together := make(chan bool, conns)
	s := imapscript.Start(t, "* OK ready", func(c *imapscript.Conn, cmd imapscript.Command) {
		if cmd.Name == "LOGOUT" {
			mu.Lock()
			if arrived++; arrived == conns {
				close(all)
			}
			mu.Unlock()
			select {
			case <-all:
				together <- true
			case <-time.After(2 * time.Second):
				together <- false
			}
		}
		answer(c, cmd)
	})
	st, err := imap.Dial(t.Context(), "{"+s.Addr+"/notls/user=sam}", imap.Options{Passwd: "secret", ListStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	var open []store.Mailbox
	for _, name := range []string{"A", "B", "C"} {
		mb, err := st.Open(t.Context(), name, store.ReadWrite)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		open = append(open, mb)
	}
	for _, mb := range open {
		mb.Close()
	}
	if n := s.Conns(); n != conns {
		t.Fatalf("%d connections, want %d (one a box open at once)", n, conns)
	}
	st.Close()
	for range conns {
		if !<-together {
			t.Fatalf("a LOGOUT waited 2 s alone: Close logs out one connection after the other")
		}
	}
}
