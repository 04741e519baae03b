package netrelay

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineServer greets each connection with "hello" and answers every line
// with "ok " and the line, as a lock-step protocol server does.
func lineServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.WriteString(c, "hello\n")
				sc := bufio.NewScanner(c)
				sc.Buffer(nil, 1<<20)
				for sc.Scan() {
					if _, err := fmt.Fprintf(c, "ok %s\n", sc.Text()); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(t *testing.T, r *Relay) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	br := bufio.NewReader(c)
	if line, err := br.ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("greeting %q, %v", line, err)
	}
	return c, br
}

func start(t *testing.T, upstream string, delay time.Duration, bw int64) *Relay {
	t.Helper()
	r, err := Start(t.Context(), upstream, delay, bw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	return r
}

// A lock-step client makes one turn per command, and each costs at least
// a round trip of the relay's delay.
func TestLockStepTurns(t *testing.T) {
	const delay = 10 * time.Millisecond
	r := start(t, lineServer(t), delay, 0)
	began := time.Now()
	c, br := dial(t, r)
	for i := range 5 {
		fmt.Fprintf(c, "cmd%d\n", i)
		if line, err := br.ReadString('\n'); err != nil || line != fmt.Sprintf("ok cmd%d\n", i) {
			t.Fatalf("answer %d: %q, %v", i, line, err)
		}
	}
	took := time.Since(began)
	c.Close()
	st := r.Stats()
	if st.Connections != 1 || st.Turns != 5 || st.RoundTrips() != 6 {
		t.Errorf("stats %+v (round trips %d), want 1 connection, 5 turns, 6 round trips", st, st.RoundTrips())
	}
	if st.BytesUp != 5*5 || st.BytesDown != 6+5*8 {
		t.Errorf("bytes up %d, down %d, want 25 and 46", st.BytesUp, st.BytesDown)
	}
	// Handshake and greeting (4 delays), then 5 round trips (10 delays).
	if min := 14 * delay; took < min {
		t.Errorf("5 commands took %v, less than %v", took, min)
	}
}

// A client that writes all its commands at once makes one turn however
// many answers come back.
func TestPipelinedIsOneTurn(t *testing.T) {
	r := start(t, lineServer(t), 5*time.Millisecond, 0)
	c, br := dial(t, r)
	var batch strings.Builder
	for i := range 50 {
		fmt.Fprintf(&batch, "cmd%d\n", i)
	}
	before := r.Stats()
	io.WriteString(c, batch.String())
	for i := range 50 {
		if line, err := br.ReadString('\n'); err != nil || line != fmt.Sprintf("ok cmd%d\n", i) {
			t.Fatalf("answer %d: %q, %v", i, line, err)
		}
	}
	if got := r.Stats().Sub(before); got.Turns != 1 || got.Connections != 0 {
		t.Errorf("pipelined batch: %+v, want 1 turn", got)
	}
	// Stats are per relay: a second connection adds to them.
	c2, br2 := dial(t, r)
	io.WriteString(c2, "x\n")
	if line, err := br2.ReadString('\n'); err != nil || line != "ok x\n" {
		t.Fatalf("second connection: %q, %v", line, err)
	}
	if got := r.Stats(); got.Connections != 2 || got.Turns != 2 {
		t.Errorf("after a second connection: %+v, want 2 connections, 2 turns", got)
	}
}

// Bytes arrive complete and in order through a capped link, no faster
// than the cap allows.
func TestBandwidthKeepsOrder(t *testing.T) {
	const size = 256 << 10
	const bw = 1 << 20 // 1 MiB/s: at least 0.25 s each way
	r := start(t, lineServer(t), time.Millisecond, bw)
	c, br := dial(t, r)
	raw := make([]byte, size/2)
	rand.Read(raw)
	line := fmt.Sprintf("%x", raw) // size bytes of hex
	began := time.Now()
	go io.WriteString(c, line+"\n")
	got, err := br.ReadString('\n')
	if err != nil || got != "ok "+line+"\n" {
		t.Fatalf("echo of %d bytes came back as %d bytes (equal: %v), %v", size, len(got), got == "ok "+line+"\n", err)
	}
	if min := time.Duration(size) * time.Second / bw; time.Since(began) < min {
		t.Errorf("%d bytes took %v through a %d B/s link, less than %v", size, time.Since(began), bw, min)
	}
}

// Stop ends open connections and the listener.
func TestStopClosesConnections(t *testing.T) {
	r := start(t, lineServer(t), time.Millisecond, 0)
	c, br := dial(t, r)
	errc := make(chan error, 1)
	go func() {
		_, err := br.ReadString('\n') // the server sends nothing more
		errc <- err
	}()
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("read on a relayed connection succeeded after Stop")
	}
	c.Close()
	if c, err := net.Dial("tcp", r.Addr()); err == nil {
		c.Close()
		t.Error("relay still accepts after Stop")
	}
	if err := r.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// A refused upstream closes the client's connection.
func TestUpstreamRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := start(t, addr, time.Millisecond, 0)
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read from a relay whose upstream refuses: %d bytes, %v; want the connection closed", n, err)
	}
}
