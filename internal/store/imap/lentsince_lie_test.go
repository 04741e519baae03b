package imap_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// sinceStrayServer plays folders "a" and "b" of one message each (UID 1,
// no flags at first) on a server with CONDSTORE and ESEARCH. Listed by
// its flags changed since a MODSEQ, "a" answers that its message was
// flagged, then sends an unsolicited FETCH of that message's flags, as a
// server does when another client changed them; "b" has no change.
func sinceStrayServer(t *testing.T) *imapscript.Server {
	msg := func(box string) string {
		return "Message-ID: <" + box + "@x>\r\nSubject: " + box + "\r\n\r\nbody\r\n"
	}
	var mu sync.Mutex
	selected := map[*imapscript.Conn]string{}
	return imapscript.Start(t, "* OK ready", scriptWith("IMAP4rev1 AUTH=PLAIN CONDSTORE ESEARCH STATUS=SIZE LITERAL+", []string{"a", "b"},
		func(c *imapscript.Conn, cmd imapscript.Command) {
			args := strings.Fields(cmd.Args)
			mu.Lock()
			box := selected[c]
			mu.Unlock()
			m := msg(box)
			switch {
			case cmd.Name == "STATUS":
				name := strings.Trim(args[0], `"`)
				c.Writef("* STATUS %s (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 7 HIGHESTMODSEQ 5 SIZE %d)\r\n", name, len(msg(name)))
			case cmd.Name == "SELECT" || cmd.Name == "EXAMINE":
				mu.Lock()
				selected[c] = strings.Trim(args[0], `"`)
				mu.Unlock()
				c.Write("* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n* OK [HIGHESTMODSEQ 6] ok\r\n")
			case strings.Contains(cmd.Args, "SEARCH"):
				c.Writef("* ESEARCH (TAG \"%s\") UID ALL 1\r\n", cmd.Tag)
			case strings.Contains(cmd.Args, "CHANGEDSINCE"):
				if box == "a" {
					c.Writef("* 1 FETCH (UID 1 FLAGS (\\Flagged) RFC822.SIZE %d MODSEQ (6))\r\n", len(m))
					c.Write("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen) MODSEQ (7))\r\n")
				}
			case strings.Contains(cmd.Args, "HEADER.FIELDS"):
				c.Write(describedAnswer(cmd, m))
			case strings.Contains(cmd.Args, "FLAGS"):
				c.Write("* 1 FETCH (UID 1 FLAGS ())\r\n")
			}
			c.OK(cmd, "done")
		}))
}

// TestLentFlagListingStray: an unsolicited FETCH about a folder listed in
// flight by its changed flags reaches the flags listing of the next
// folder on the connection, where it looks like a change. It carries no
// RFC822.SIZE, which that listing asks for: the listing is not used, and
// the folder is listed again. Without the check, "b" took "a"'s \Seen
// and \Flagged, which a flag sync would have copied.
func TestLentFlagListingStray(t *testing.T) {
	s := sinceStrayServer(t)
	r := startRelay(t, s.Addr, 20*time.Millisecond)
	cacheDir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	run := func(lent bool) map[string]store.Flags {
		st, err := imap.Dial(ctx, "{"+r.Addr()+"/notls/user=sam/connections=1}", imap.Options{
			Passwd: "secret", ListStatus: true, StallTimeout: stallTime, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.List(ctx, "", "%"); err != nil {
			t.Fatal(err)
		}
		flags := map[string]store.Flags{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i, box := range []string{"a", "b"} {
			time.Sleep(time.Duration(i) * 5 * time.Millisecond) // a's commands first
			list := func() {
				mode := store.ReadWrite // fills the caches
				if lent {
					mode = store.ReadOnly // listed in flight
				}
				mb, err := st.Open(ctx, box, mode)
				if err != nil {
					t.Error(err)
					return
				}
				defer mb.Close()
				msgs, err := mb.Messages(ctx)
				if err != nil || len(msgs) != 1 {
					t.Errorf("%s: %d messages (%v), want 1", box, len(msgs), err)
					return
				}
				mu.Lock()
				flags[box] = msgs[0].Flags
				mu.Unlock()
			}
			if lent {
				wg.Go(list)
			} else {
				list()
			}
		}
		wg.Wait()
		return flags
	}
	run(false) // fills the caches
	selects := s.Count("SELECT") + s.Count("EXAMINE")
	got := run(true)
	if got["a"] != store.Flagged || got["b"] != 0 {
		t.Errorf("flags listed: a %v, b %v; want a \\Flagged and b none", got["a"], got["b"])
	}
	if n := s.Count("SELECT") + s.Count("EXAMINE") - selects; n < 3 {
		t.Errorf("%d SELECTs and EXAMINEs: the stray answer did not reach b's listing, the test shows nothing", n)
	}
}
