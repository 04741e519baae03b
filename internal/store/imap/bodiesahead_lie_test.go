package imap

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// bodiesFrom runs sendBodies against a server that answers the UID FETCH
// with answer (tag T1 filled in) and returns what was read.
func bodiesFrom(t *testing.T, size int64, answer string) *bodiesAhead {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(conn, "* OK [CAPABILITY IMAP4rev1] ready\r\n")
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.Contains(line, "UID FETCH 1:* (UID BODY.PEEK[])") {
			io.WriteString(conn, "* BYE unexpected "+line)
			return
		}
		io.WriteString(conn, strings.ReplaceAll(answer, "TAG", strings.Fields(line)[0]))
		time.Sleep(100 * time.Millisecond) // let the client read before the close
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	b := sendBodies(&session{c: c}, "box", size)
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the bodies were not read")
	}
	return b
}

func fetchBody(uid int, body string) string {
	return fmt.Sprintf("* %d FETCH (UID %d BODY[] {%d}\r\n%s)\r\n", uid, uid, len(body), body)
}

// TestBodiesAheadBounded: the bodies sent ahead are kept only within the
// folder's told size (plus a quarter and 64 KB), each UID once; anything
// else marks the answer incomplete, so that FetchEach fetches as usual.
func TestBodiesAheadBounded(t *testing.T) {
	small := strings.Repeat("x", 100)
	honest := bodiesFrom(t, 200, fetchBody(1, small)+fetchBody(2, small)+"TAG OK done\r\n")
	if honest.err != nil || len(honest.bodies) != 2 || string(honest.bodies[2]) != small {
		t.Errorf("honest answer: %d bodies, %v", len(honest.bodies), honest.err)
	}
	big := strings.Repeat("y", 70<<10)
	over := bodiesFrom(t, 200, fetchBody(1, small)+fetchBody(2, big)+fetchBody(3, small)+"TAG OK done\r\n")
	if over.err == nil || len(over.bodies[2]) != 0 {
		t.Errorf("a body beyond the told size was kept (%d bytes; err %v)", len(over.bodies[2]), over.err)
	}
	// go-imap hands a UID FETCH each UID once; the reader would refuse
	// a second body too.
	twice := bodiesFrom(t, 200, fetchBody(1, small)+fetchBody(1, "z")+"TAG OK done\r\n")
	if string(twice.bodies[1]) != small {
		t.Errorf("a second body for UID 1: kept %q, err %v", twice.bodies[1], twice.err)
	}
	refused := bodiesFrom(t, 200, fetchBody(1, small)+"TAG NO not now\r\n")
	if refused.err == nil {
		t.Error("a refused answer counts as complete")
	}
}

// TestTakeBodiesChecksListedSizes: FetchEach takes the bodies sent ahead
// only when each message asked for has one no larger than its listed size.
func TestTakeBodiesChecksListedSizes(t *testing.T) {
	done := make(chan struct{})
	close(done)
	newBox := func(bodies map[uint64][]byte) *Mailbox {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		go func() {
			if conn, err := ln.Accept(); err == nil {
				io.WriteString(conn, "* OK ready\r\n")
				t.Cleanup(func() { conn.Close() })
			}
		}()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c := imapclient.New(conn, nil)
		t.Cleanup(func() { c.Close() })
		return &Mailbox{st: &Store{}, sess: &session{c: c}, name: "box",
			sizes:  map[uint64]int64{1: 3, 2: 3},
			bodies: &bodiesAhead{done: done, bodies: bodies}}
	}
	ctx := t.Context()
	if got, err := newBox(map[uint64][]byte{1: []byte("abc"), 2: []byte("de")}).takeBodies(ctx, []uint64{2, 1}); err != nil || len(got) != 2 || string(got[0]) != "de" {
		t.Errorf("honest bodies: %q, %v", got, err)
	}
	if got, _ := newBox(map[uint64][]byte{1: []byte("abcd"), 2: []byte("de")}).takeBodies(ctx, []uint64{1, 2}); got != nil {
		t.Errorf("a body larger than listed was taken: %q", got)
	}
	if got, _ := newBox(map[uint64][]byte{1: []byte("abc")}).takeBodies(ctx, []uint64{1, 2}); got != nil {
		t.Errorf("bodies taken with one missing: %q", got)
	}
}

// TestTakeBodiesStopsOnCancel: a server that stops in the middle of the
// bodies sent ahead does not hold FetchEach: the context's end closes the
// connection and the wait ends at once (the stall watchdog does the same
// for a run that is not interrupted).
func TestTakeBodiesStopsOnCancel(t *testing.T) {
	if raceEnabled {
		t.Skip("closes the client in the middle of a literal: a race inside go-imap (race_test.go)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	release := make(chan struct{})
	defer close(release)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.WriteString(conn, "* OK [CAPABILITY IMAP4rev1] ready\r\n")
		if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
			return
		}
		io.WriteString(conn, "* 1 FETCH (UID 1 BODY[] {100}\r\n0123456789")
		<-release
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	sess := &session{c: c}
	m := &Mailbox{st: &Store{}, sess: sess, name: "box", sizes: map[uint64]int64{1: 100},
		bodies: sendBodies(sess, "box", 100)}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	bodies, err := m.takeBodies(ctx, []uint64{1})
	if err == nil || bodies != nil {
		t.Errorf("takeBodies of a stalled answer: %d bodies, error %v", len(bodies), err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("takeBodies waited %v after the context ended", waited)
	}
}
