package imap_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// strayServer plays folders "a" and "b" of one message each (UID 1) on a
// server with CONDSTORE and STATUS=SIZE. After the bodies of "a" it
// sends an unsolicited FETCH of UID 1's flags, as a server does when
// another client changed them.
func strayServer(t *testing.T) *imapscript.Server {
	msgs := map[string]string{
		"a": "Message-ID: <a@x>\r\nSubject: a\r\n\r\nbody of a\r\n",
		"b": "Message-ID: <b@x>\r\nSubject: b\r\n\r\nbody of b\r\n",
	}
	var mu sync.Mutex
	selected := map[*imapscript.Conn]string{}
	return imapscript.Start(t, "* OK ready", scriptWith("IMAP4rev1 AUTH=PLAIN CONDSTORE STATUS=SIZE LITERAL+", []string{"a", "b"},
		func(c *imapscript.Conn, cmd imapscript.Command) {
			args := strings.Fields(cmd.Args)
			switch cmd.Name {
			case "STATUS":
				box := strings.Trim(args[0], `"`)
				c.Writef("* STATUS %s (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 7 HIGHESTMODSEQ 5 SIZE %d)\r\n", box, len(msgs[box]))
				c.OK(cmd, "done")
			case "SELECT", "EXAMINE":
				box := strings.Trim(args[0], `"`)
				mu.Lock()
				selected[c] = box
				mu.Unlock()
				c.Write("* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n")
				c.OK(cmd, "selected")
			case "UID":
				mu.Lock()
				m := msgs[selected[c]]
				box := selected[c]
				mu.Unlock()
				switch {
				case strings.Contains(cmd.Args, "RFC822.SIZE"):
					c.Write(describedAnswer(cmd, m))
				case strings.Contains(cmd.Args, "BODY.PEEK[]"):
					c.Writef("* 1 FETCH (UID 1 BODY[] {%d}\r\n%s)\r\n", len(m), m)
					if box == "a" {
						c.Write("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n")
					}
				}
				c.OK(cmd, "done")
			default:
				c.OK(cmd, "done")
			}
		}))
}

// describedAnswer is the answer of a scripted server to cmd, a listing
// of UID 1's flags, date, size and header fields, for message m.
func describedAnswer(cmd imapscript.Command, m string) string {
	sec := cmd.Args[strings.Index(cmd.Args, "BODY.PEEK[")+len("BODY.PEEK") : strings.LastIndex(cmd.Args, "]")+1]
	h := m[:strings.Index(m, "\r\n\r\n")+4]
	return fmt.Sprintf("* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"02-Jan-2020 03:04:05 +0000\" RFC822.SIZE %d BODY%s {%d}\r\n%s)\r\n", len(m), sec, len(h), h)
}

// TestLentListingStray: an unsolicited FETCH about a folder read in
// flight reaches the listing of the next folder on the connection
// (go-imap gives it to the first pending command that has not had its
// UID). That listing is not used: the folder is listed again, and each
// folder gets its own message, the right body, no phantom.
func TestLentListingStray(t *testing.T) {
	s := strayServer(t)
	r := startRelay(t, s.Addr, 20*time.Millisecond)
	st, err := imap.Dial(t.Context(), "{"+r.Addr()+"/notls/user=sam/connections=1}", imap.Options{Passwd: "secret", ListStatus: true, StallTimeout: stallTime})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if _, err := st.List(ctx, "", "%"); err != nil {
		t.Fatal(err)
	}
	type result struct {
		ids    []string
		bodies []string
		err    error
	}
	results := map[string]*result{"a": {}, "b": {}}
	var wg sync.WaitGroup
	for i, box := range []string{"a", "b"} {
		res := results[box]
		time.Sleep(time.Duration(i) * 5 * time.Millisecond) // a's commands first
		wg.Go(func() {
			res.ids, res.bodies, res.err = readIDsAndBodies(ctx, st, box)
		})
	}
	wg.Wait()
	for box, res := range results {
		want := fmt.Sprintf("<%s@x>", box)
		if res.err != nil || len(res.ids) != 1 || !strings.Contains(res.ids[0], want) {
			t.Errorf("%s: listed %q (%v), want its one message %s", box, res.ids, res.err, want)
		}
		if len(res.bodies) != 1 || !strings.Contains(res.bodies[0], "body of "+box) {
			t.Errorf("%s: bodies %q, want its own", box, res.bodies)
		}
	}
	if n := s.Count("SELECT"); n < 3 {
		t.Errorf("%d SELECTs: the stray answer did not reach b's listing, the test shows nothing", n)
	}
}

// readIDsAndBodies opens box whole and returns its messages' headers and
// bodies.
func readIDsAndBodies(ctx context.Context, st *imap.Store, box string) ([]string, []string, error) {
	mb, err := st.OpenWhole(ctx, box, store.ReadWrite)
	if err != nil {
		return nil, nil, err
	}
	defer mb.Close()
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	var keys []uint64
	for _, m := range msgs {
		ids = append(ids, string(m.Header))
		keys = append(keys, m.Key)
	}
	var bodies []string
	_, err = mb.(store.BulkFetcher).FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
		b, err := io.ReadAll(body)
		bodies = append(bodies, string(b))
		return err
	})
	return ids, bodies, err
}
