package imap_test

// Tests of the pool (pool.go, store.go Close) against scripted servers.

import (
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// poolCaps are the capabilities of a scripted server the store may
// open several connections to (LIST-STATUS and CONDSTORE: pool.go).
const poolCaps = "IMAP4rev1 AUTH=PLAIN CONDSTORE LIST-EXTENDED LIST-STATUS"

// dialPooled dials the scripted server s as a sync does (LIST-STATUS
// asked for), so that the store may use a pool.
func dialPooled(t *testing.T, s *imapscript.Server) (*imap.Store, error) {
	t.Helper()
	return imap.Dial(t.Context(), "{"+s.Addr+"/notls/user=sam}", imap.Options{Passwd: "secret", ListStatus: true})
}

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
	answer := scriptWith(poolCaps, []string{"A", "B", "C"},
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
	st, err := dialPooled(t, s)
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

// TestPoolProvenByListing: STATUS answers that came with the LIST prove
// the server (pool.go): a box that finds the first connection busy
// opens a further one at once, without waiting for the first SELECT's
// answer. The server answers the first connection's SELECT only once a
// second connection has logged in; a pool that waited for that answer
// would leave it waiting alone.
func TestPoolProvenByListing(t *testing.T) {
	second := make(chan struct{})
	var once sync.Once
	together := make(chan bool, 2)
	answer := scriptWith(poolCaps, nil,
		func(c *imapscript.Conn, cmd imapscript.Command) {
			switch cmd.Name {
			case "SELECT", "EXAMINE":
				if c.N == 1 {
					select {
					case <-second:
						together <- true
					case <-time.After(2 * time.Second):
						together <- false
					}
				}
				selectOK(c, cmd, 0)
			default:
				c.Writef("%s BAD unexpected\r\n", cmd.Tag)
			}
		})
	s := imapscript.Start(t, "* OK ready", func(c *imapscript.Conn, cmd imapscript.Command) {
		switch cmd.Name {
		case "LIST":
			for _, b := range []string{"A", "B"} {
				c.Writef("* LIST () \"/\" %s\r\n* STATUS %s (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 7 HIGHESTMODSEQ 1)\r\n", b, b)
			}
			c.OK(cmd, "done")
			return
		case "LOGIN", "AUTHENTICATE":
			if c.N > 1 {
				once.Do(func() { close(second) })
			}
		}
		answer(c, cmd)
	})
	st, err := dialPooled(t, s)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.List(t.Context(), "", "*"); err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 2)
	for _, name := range []string{"A", "B"} {
		go func() {
			mb, err := st.Open(t.Context(), name, store.ReadWrite)
			if err == nil {
				defer mb.Close()
			}
			opened <- err
		}()
	}
	for range 2 {
		if err := <-opened; err != nil {
			t.Fatal(err)
		}
	}
	if !<-together {
		t.Errorf("the first SELECT waited 2 s for a second connection: the listing did not prove the server")
	}
}
