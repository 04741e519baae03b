package imap_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// TestNearServer: a server on this host answers the first connection's
// NOOP at once and is near (doc/design/wan.md, "Near servers"); through
// a relay that delays each way it is not, however local its address.
// The NOOP is sent only where the store may open further connections:
// with /connections=1 the store is never near.
func TestNearServer(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	// A loaded machine may be slow to answer once: near on one of a few
	// logins. Far, it can never be: the relay holds each answer back.
	near := false
	for i := 0; i < 5 && !near; i++ {
		st, _ := poolStore(t, d, "")
		near = st.Near()
		st.Close()
	}
	if !near {
		t.Errorf("loopback Dovecot: never near in 5 logins")
	}
	one, _ := poolStore(t, d, "/connections=1")
	if one.Near() {
		t.Errorf("/connections=1: near; want no NOOP sent and not near")
	}
	r := startRelay(t, d.Addr(), 10*time.Millisecond)
	far := dialVia(t, r, d, t.TempDir(), "")
	defer far.Close()
	if far.Near() {
		t.Errorf("through a relay that delays 10 ms each way: near")
	}
}

// TestNearProbeNotTraced: a protocol trace (-di) shows what 5.2.7's run
// sends; the store sends no NOOP to measure the server then.
func TestNearProbeNotTraced(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	var trace bytes.Buffer
	st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls/user="+d.User+"}", imap.Options{
		Passwd: d.Password, ListStatus: true, Remote: store.Remote{Trace: &trace},
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	near := st.Near()
	st.Close()
	if near || strings.Contains(strings.ToUpper(trace.String()), "NOOP") {
		t.Errorf("traced store: near %v, trace:\n%s\nwant no NOOP", near, trace.String())
	}
}

// TestNearFromQuickestExchange: the greeting, the login and the NOOP
// each bound the link's round trip from above (the greeting twice over);
// the server is near when the quickest is within 10 ms, however slow
// the others. No NOOP is sent when the greeting or the login was quick
// already.
func TestNearFromQuickestExchange(t *testing.T) {
	const slow = 40 * time.Millisecond // beyond the 10 ms of a near server
	cases := []struct {
		name              string
		greet, login, nop time.Duration
		near              bool
		noops             int
	}{
		{"quick greeting and login, slow NOOP", 0, 0, slow, true, 0},
		{"quick greeting, slow login and NOOP", 0, slow, slow, true, 0},
		{"greeting after 12 ms (a 6 ms bound), slow login and NOOP", 12 * time.Millisecond, slow, slow, true, 0},
		{"slow greeting and login, quick NOOP", 2 * slow, slow, 0, true, 1},
		{"greeting after 30 ms (15 ms), login and NOOP after 15 ms", 30 * time.Millisecond, 15 * time.Millisecond, 15 * time.Millisecond, false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// LIST-STATUS and CONDSTORE: a store that may work on several
			// folders at once.
			answer := scriptWith(poolCaps, []string{"INBOX"}, func(c *imapscript.Conn, cmd imapscript.Command) {
				if cmd.Name == "NOOP" {
					time.Sleep(tc.nop)
					c.OK(cmd, "done")
					return
				}
				c.Writef("%s BAD unexpected\r\n", cmd.Tag)
			})
			// A loaded machine may be slow to answer once: a near case
			// passes on one of a few logins; a far one fails on any.
			for try := 1; ; try++ {
				s := imapscript.StartSlowGreeting(t, tc.greet, "* OK ready", func(c *imapscript.Conn, cmd imapscript.Command) {
					if cmd.Name == "LOGIN" || cmd.Name == "AUTHENTICATE" {
						time.Sleep(tc.login)
					}
					answer(c, cmd)
				})
				st, err := dialPooled(t, s)
				if err != nil {
					t.Fatal(err)
				}
				near := st.Near()
				st.Close() // its LOGOUT follows any NOOP: the count is complete
				if near != tc.near && tc.near && try < 5 {
					continue
				}
				if near != tc.near {
					t.Errorf("Near() = %v, want %v", near, tc.near)
				}
				if n := s.Count("NOOP"); n != tc.noops {
					t.Errorf("the server got %d NOOPs, want %d", n, tc.noops)
				}
				break
			}
		})
	}
}
