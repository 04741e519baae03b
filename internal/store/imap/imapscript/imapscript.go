// Package imapscript is a scripted raw IMAP server for tests: it listens
// on 127.0.0.1, greets each connection, reads command lines (with the
// client's literals inline) and hands every command to the test's
// Handler, which writes whatever bytes it likes, sleeps, or never
// answers. Unlike go-imap's server it enforces nothing, so tests can play
// a server that misbehaves: silent, noisy, slow or wrong.
//
// The server stops with the test (t.Cleanup): the listener and every
// connection are closed and the handlers' goroutines are waited for; a
// handler that blocks should wait on Conn.Done (Conn.Hang does).
package imapscript

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Command is one command line from the client.
type Command struct {
	Tag  string // "T1"
	Name string // upper case: "SELECT", "UID FETCH" is "UID"
	Args string // the rest of the line, literals inline
}

// Handler answers one command on c. It runs on the connection's own
// goroutine: the next command is read when it returns.
type Handler func(c *Conn, cmd Command)

// Server is a running scripted server.
type Server struct {
	// Addr is "127.0.0.1:PORT".
	Addr string

	ln       net.Listener
	greeting string
	// greetAfter holds each greeting back (StartSlowGreeting).
	greetAfter time.Duration
	handle     Handler
	wg         sync.WaitGroup
	stop       chan struct{}

	mu     sync.Mutex
	conns  []*Conn
	counts map[string]int
}

// Start starts a server that sends greeting (a whole line without its
// CRLF, e.g. "* OK ready") to each connection and passes its commands to
// h. It stops when the test ends.
func Start(t testing.TB, greeting string, h Handler) *Server {
	t.Helper()
	return StartSlowGreeting(t, 0, greeting, h)
}

// StartSlowGreeting is Start for a server that greets each connection
// only after (a slow or distant server).
func StartSlowGreeting(t testing.TB, after time.Duration, greeting string, h Handler) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, greeting: greeting, greetAfter: after, handle: h,
		stop: make(chan struct{}), counts: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

// Conns returns the number of connections accepted so far.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Count returns how many commands named name (upper case) were received.
func (s *Server) Count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[name]
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		c := &Conn{N: len(s.conns) + 1, nc: nc, done: make(chan struct{}), stop: s.stop}
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

func (s *Server) serve(c *Conn) {
	select {
	case <-time.After(s.greetAfter):
	case <-c.done:
		return
	}
	c.Write(s.greeting + "\r\n")
	c.r = bufio.NewReader(c.conn())
	for {
		line, err := readCommand(c.r, c)
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(line, " ")
		name, args, _ := strings.Cut(rest, " ")
		cmd := Command{Tag: tag, Name: strings.ToUpper(name), Args: args}
		s.mu.Lock()
		s.counts[cmd.Name]++
		s.mu.Unlock()
		s.handle(c, cmd)
	}
}

// readCommand reads one command line without its CRLF, reading the
// literals it announces inline ("+ go on" for synchronising ones).
func readCommand(br *bufio.Reader, c *Conn) (string, error) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimRight(line, "\r\n")
		b.WriteString(line)
		n, plus, ok := literalAtEnd(line)
		if !ok {
			return b.String(), nil
		}
		if !plus {
			c.Write("+ go on\r\n")
		}
		lit := make([]byte, n)
		if _, err := io.ReadFull(br, lit); err != nil {
			return "", err
		}
		b.WriteString("\r\n")
		b.Write(lit)
	}
}

// literalAtEnd parses a line's trailing "{N}" or "{N+}".
func literalAtEnd(line string) (n int, plus, ok bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false, false
	}
	i := strings.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false, false
	}
	digits := line[i+1 : len(line)-1]
	digits, plus = strings.CutSuffix(digits, "+")
	n, err := strconv.Atoi(digits)
	return n, plus, err == nil && n >= 0
}

func (s *Server) close() {
	close(s.stop)
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Conn is one client connection.
type Conn struct {
	// N numbers the connections from 1 in the order they were accepted.
	N int

	mu   sync.Mutex
	nc   net.Conn      // under mu: StartTLS replaces it
	r    *bufio.Reader // commands are read from it
	once sync.Once
	done chan struct{}
	stop <-chan struct{}
}

// Write sends raw bytes. An error says the client is gone (a loop that
// writes noise stops on it).
func (c *Conn) Write(raw string) error {
	_, err := io.WriteString(c.conn(), raw)
	return err
}

// Writef sends fmt.Sprintf(format, args...).
func (c *Conn) Writef(format string, args ...any) error { return c.Write(fmt.Sprintf(format, args...)) }

// OK answers cmd with "TAG OK text".
func (c *Conn) OK(cmd Command, text string) error { return c.Writef("%s OK %s\r\n", cmd.Tag, text) }

// StartTLS upgrades the connection to TLS with cfg (the handler answers
// STARTTLS with OK first); the next commands are read over TLS.
func (c *Conn) StartTLS(cfg *tls.Config) error {
	if c.r.Buffered() > 0 {
		return errors.New("imapscript: clear text after STARTTLS")
	}
	tc := tls.Server(c.conn(), cfg)
	if err := tc.Handshake(); err != nil {
		return err
	}
	c.mu.Lock()
	c.nc = tc
	c.mu.Unlock()
	c.r = bufio.NewReader(tc)
	return nil
}

func (c *Conn) conn() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nc
}

// Close closes the connection.
func (c *Conn) Close() {
	c.once.Do(func() {
		close(c.done)
		c.conn().Close()
	})
}

// Done is closed when the connection is closed by the server or the
// client has gone (the next read failed), or the server stops.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Hang blocks until the client closes the connection or the server
// stops: a server that never answers. It reads and drops what the
// client sends meanwhile.
func (c *Conn) Hang() {
	go func() {
		io.Copy(io.Discard, c.conn())
		c.Close()
	}()
	select {
	case <-c.done:
	case <-c.stop:
	}
}
