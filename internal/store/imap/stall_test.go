package imap_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// stallTime is the stall timeout of these tests; noise comes four times
// per stall period, so a watchdog that counted it would never fire.
const stallTime = 400 * time.Millisecond

// script answers the commands a Store needs before the misbehaviour:
// CAPABILITY, LOGIN, LIST (boxes), LOGOUT, and passes the rest to rest.
func script(boxes []string, rest imapscript.Handler) imapscript.Handler {
	return scriptWith("IMAP4rev1 AUTH=PLAIN", boxes, rest)
}

// scriptWith is script for a server announcing caps.
func scriptWith(caps string, boxes []string, rest imapscript.Handler) imapscript.Handler {
	return func(c *imapscript.Conn, cmd imapscript.Command) {
		switch cmd.Name {
		case "CAPABILITY":
			c.Writef("* CAPABILITY %s\r\n", caps)
			c.OK(cmd, "done")
		case "LOGIN", "AUTHENTICATE":
			c.OK(cmd, "logged in")
		case "LIST":
			for _, b := range boxes {
				c.Writef("* LIST () \"/\" %s\r\n", b)
			}
			c.OK(cmd, "done")
		case "LOGOUT":
			c.Write("* BYE\r\n")
			c.OK(cmd, "bye")
			c.Close()
		default:
			rest(c, cmd)
		}
	}
}

// noisy never answers cmd but sends "* OK still here" four times per
// stall period until the client hangs up; it counts the lines sent.
func noisy(sent *atomic.Int64) func(*imapscript.Conn) {
	return func(c *imapscript.Conn) {
		for {
			select {
			case <-c.Done():
				return
			case <-time.After(stallTime / 4):
			}
			if c.Write("* OK still here\r\n") != nil {
				return
			}
			sent.Add(1)
		}
	}
}

// selectOK answers SELECT for a box with n messages.
func selectOK(c *imapscript.Conn, cmd imapscript.Command, n int) {
	c.Writef("* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT %d] ok\r\n* FLAGS (\\Seen \\Deleted)\r\n", n, n+1)
	c.Writef("%s OK [READ-WRITE] selected\r\n", cmd.Tag)
}

func dialScript(t *testing.T, s *imapscript.Server) *imap.Store {
	t.Helper()
	st, err := imap.Dial(t.Context(), "{"+s.Addr+"/notls/user=sam}", imap.Options{Passwd: "secret", StallTimeout: stallTime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// unavailable asserts err says the store was given up (not the test's
// deadline: a watchdog fooled by the noise waits for that).
func unavailable(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	if ctx.Err() != nil {
		t.Fatalf("still waiting when the test gave up (%v): the noise kept the connection alive", err)
	}
	if !errors.Is(err, store.ErrStoreUnavailable) {
		t.Fatalf("error = %v, want one wrapping store.ErrStoreUnavailable", err)
	}
	if !strings.Contains(err.Error(), "no answer from server {") {
		t.Errorf("error %q does not name the server", err)
	}
}

// TestStallNoiseDuringSelect: a server that answers SELECT only with
// "* OK" noise is given up after one stall period.
func TestStallNoiseDuringSelect(t *testing.T) {
	var sent atomic.Int64
	s := imapscript.Start(t, "* OK ready", script([]string{"INBOX"}, func(c *imapscript.Conn, cmd imapscript.Command) {
		noisy(&sent)(c)
	}))
	st := dialScript(t, s)
	ctx, cancel := context.WithTimeout(t.Context(), 40*stallTime)
	defer cancel()
	_, err := st.Open(ctx, "INBOX", store.ReadWrite)
	unavailable(t, ctx, err)
	if n := sent.Load(); n == 0 {
		t.Errorf("the server sent no noise before it was given up")
	}
}

// TestStallNoiseDuringFetch: the same while the message list is fetched.
func TestStallNoiseDuringFetch(t *testing.T) {
	var sent atomic.Int64
	s := imapscript.Start(t, "* OK ready", script([]string{"INBOX"}, func(c *imapscript.Conn, cmd imapscript.Command) {
		switch cmd.Name {
		case "SELECT", "EXAMINE":
			selectOK(c, cmd, 3)
		default:
			noisy(&sent)(c)
		}
	}))
	st := dialScript(t, s)
	ctx, cancel := context.WithTimeout(t.Context(), 40*stallTime)
	defer cancel()
	mb, err := st.Open(ctx, "INBOX", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	_, err = mb.Messages(ctx)
	unavailable(t, ctx, err)
	// Every later operation fails at once, without a new connection.
	if _, err := st.Open(ctx, "INBOX", store.ReadOnly); !errors.Is(err, store.ErrStoreUnavailable) {
		t.Errorf("Open after the store was given up: %v", err)
	}
	if _, err := st.List(ctx, "", "*"); !errors.Is(err, store.ErrStoreUnavailable) {
		t.Errorf("List after the store was given up: %v", err)
	}
	if n := s.Conns(); n != 1 {
		t.Errorf("the server saw %d connections, want 1 (no reconnection)", n)
	}
}

// TestSlowLiteralIsProgress: a message body that trickles in, a byte at
// a time, more slowly in total than the stall time but never pausing for
// long, is progress: the fetch completes.
func TestSlowLiteralIsProgress(t *testing.T) {
	body := "Subject: slow\r\n\r\nslow body\r\n"
	pause := stallTime / 8
	if total := time.Duration(len(body)) * pause; total < 2*stallTime {
		t.Fatalf("the body trickles for %v only", total)
	}
	s := imapscript.Start(t, "* OK ready", script([]string{"INBOX"}, func(c *imapscript.Conn, cmd imapscript.Command) {
		switch cmd.Name {
		case "SELECT", "EXAMINE":
			selectOK(c, cmd, 1)
		case "UID":
			c.Writef("* 1 FETCH (UID 1 BODY[] {%d}\r\n", len(body))
			for i := range len(body) {
				time.Sleep(pause)
				if c.Write(body[i:i+1]) != nil {
					return
				}
			}
			c.Write(")\r\n")
			c.OK(cmd, "done")
		default:
			c.Writef("%s BAD unexpected\r\n", cmd.Tag)
		}
	}))
	st := dialScript(t, s)
	mb, err := st.Open(t.Context(), "INBOX", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	r, err := mb.Fetch(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil || string(got) != body {
		t.Fatalf("fetch = %q, %v; want the whole body", got, err)
	}
}

// TestStallFailsEveryBoxAtOnce: once a server has stopped answering,
// the store's other boxes fail at once with the same error: no new
// connection, no second wait.
func TestStallFailsEveryBoxAtOnce(t *testing.T) {
	var boxes []string
	for i := range 5 {
		boxes = append(boxes, fmt.Sprintf("box%d", i))
	}
	var sent atomic.Int64
	s := imapscript.Start(t, "* OK ready", script(boxes, func(c *imapscript.Conn, cmd imapscript.Command) {
		noisy(&sent)(c)
	}))
	st := dialScript(t, s)
	ctx, cancel := context.WithTimeout(t.Context(), 40*stallTime)
	defer cancel()
	var first error
	for i, b := range boxes {
		_, err := st.Open(ctx, b, store.ReadWrite)
		unavailable(t, ctx, err)
		if i == 0 {
			first = errors.Unwrap(err)
		} else if !errors.Is(err, first) {
			t.Errorf("box %s: %v, want the first box's error %v", b, err, first)
		}
	}
	if n, sel := s.Conns(), s.Count("SELECT"); n != 1 || sel != 1 {
		t.Errorf("the server saw %d connections and %d SELECTs, want 1 and 1", n, sel)
	}
}

// TestStallDuringLogin: a server that never answers the login is a
// failure to contact it, saying why.
func TestStallDuringLogin(t *testing.T) {
	var sent atomic.Int64
	s := imapscript.Start(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", func(c *imapscript.Conn, cmd imapscript.Command) {
		noisy(&sent)(c)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 40*stallTime)
	defer cancel()
	_, err := imap.Dial(ctx, "{"+s.Addr+"/notls/user=sam}", imap.Options{Passwd: "secret", StallTimeout: stallTime})
	if ctx.Err() != nil {
		t.Fatalf("still waiting when the test gave up: %v", err)
	}
	contact(t, err, "no answer from server {"+s.Addr+"/notls/user=sam} for 400ms: connection given up")
}

// TestStallNoiseOverSTARTTLS: the watchdog follows the clear text of a
// STARTTLS session too (it would see only TLS records below it).
func TestStallNoiseOverSTARTTLS(t *testing.T) {
	cert, _ := selfSigned(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	var sent atomic.Int64
	s := imapscript.Start(t, "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready", script([]string{"INBOX"}, func(c *imapscript.Conn, cmd imapscript.Command) {
		if cmd.Name == "STARTTLS" {
			c.OK(cmd, "begin TLS")
			if err := c.StartTLS(cfg); err != nil {
				c.Close()
			}
			return
		}
		noisy(&sent)(c)
	}))
	st, err := imap.Dial(t.Context(), "{"+s.Addr+"/novalidate-cert/user=sam}", imap.Options{Passwd: "secret", StallTimeout: stallTime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if s.Count("STARTTLS") != 1 {
		t.Fatal("no STARTTLS")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 40*stallTime)
	defer cancel()
	_, err = st.Open(ctx, "INBOX", store.ReadWrite)
	unavailable(t, ctx, err)
}
