package imap

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// TestCutConnectionNotAlive: a connection whose bound context ended is
// no longer alive at once, before the context's closing of it has run
// or completed, so the pool never hands it to the next box (a Ctrl-C, or
// a cancelled read in flight, left it closing: TestLentFoldersCancelled
// met such a connection as "use of closed network connection"). A
// binding undone before the context ends leaves it alive.
func TestCutConnectionNotAlive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				io.WriteString(conn, "* OK [CAPABILITY IMAP4rev1] ready\r\n")
				io.Copy(io.Discard, conn)
			}()
		}
	}()
	newSession := func() *session {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c := imapclient.New(conn, nil)
		t.Cleanup(func() { c.Close() })
		if err := c.WaitGreeting(); err != nil {
			t.Fatal(err)
		}
		return &session{c: c}
	}
	for range 200 {
		sess := newSession()
		ctx, cancel := context.WithCancel(t.Context())
		stop := sess.bindContext(ctx)
		cancel()
		if sess.alive() {
			t.Fatal("alive right after its bound context ended")
		}
		if stop() {
			t.Fatal("the binding was undone after the context ended")
		}
		if sess.alive() {
			t.Fatal("alive once the binding of its ended context was undone")
		}
		select {
		case <-sess.c.Closed():
		case <-time.After(5 * time.Second):
			t.Fatal("not closed after its context ended")
		}
	}
	sess := newSession()
	ctx, cancel := context.WithCancel(t.Context())
	stop := sess.bindContext(ctx)
	if !stop() {
		t.Fatal("the binding could not be undone")
	}
	cancel()
	if !sess.alive() {
		t.Error("a connection whose binding was undone died with the context")
	}
}
