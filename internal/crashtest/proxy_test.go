package crashtest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// act is what the proxy does with a client command a fault matches.
type act int

const (
	actReset   act = iota // close the connection at once (TCP RST)
	actStall              // stop forwarding both ways; hold the connection
	actReply              // answer the command with "TAG " + text, not forwarding it
	actBye                // answer "* BYE ..." and close
	actGarbage            // answer text (a malformed response) instead of forwarding
)

// fault is one fault the proxy injects: on the command lines match
// accepts (first line of a command, selected is the last SELECT or
// EXAMINE line of the connection), from the nth match on (1 = first).
type fault struct {
	match func(selected, line string) bool
	nth   int
	every bool // not only the nth but every later match too
	act   act
	text  string
	// before runs before the command is forwarded (pass-through faults
	// such as another client deleting the folder).
	before func()
	seen   atomic.Int64
}

// imapProxy relays IMAP connections to upstream, injecting faults.
type imapProxy struct {
	t        *testing.T
	ln       net.Listener
	upstream string
	faults   []*fault
	stop     chan struct{}
	wg       sync.WaitGroup
	fired    atomic.Int64
	// cutReply, when set, sees each whole server response; when it
	// returns n >= 0 the proxy passes the first n bytes and stalls.
	cutReply func(resp []byte) int
}

// startProxy starts a proxy on a loopback port, stopped at test end.
func startProxy(t *testing.T, upstream string, faults ...*fault) *imapProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &imapProxy{t: t, ln: ln, upstream: upstream, faults: faults, stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(p.stop)
		ln.Close()
		p.wg.Wait()
	})
	return p
}

// Addr is the proxy's host:port.
func (p *imapProxy) Addr() string { return p.ln.Addr().String() }

// conn is one relayed connection.
type conn struct {
	client, server net.Conn
	mu             sync.Mutex // serialises writes to client
	closeOnce      sync.Once
}

func (c *conn) close(rst bool) {
	c.closeOnce.Do(func() {
		if tc, ok := c.client.(*net.TCPConn); ok && rst {
			tc.SetLinger(0)
		}
		c.client.Close()
		c.server.Close()
	})
}

func (c *conn) toClient(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.client.Write(b)
	return err
}

func (p *imapProxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		client.Close()
		return
	}
	c := &conn{client: client, server: server}
	defer c.close(false)
	go func() { // server to client, one whole response at a time
		br := bufio.NewReader(server)
		for {
			resp, err := readUnit(br, nil)
			if p.cutReply != nil {
				if n := p.cutReply(resp); n >= 0 {
					p.fired.Add(1)
					c.toClient(resp[:n])
					<-p.stop
					return
				}
			}
			if len(resp) > 0 && c.toClient(resp) != nil {
				break
			}
			if err != nil {
				break
			}
		}
		c.close(false)
	}()
	br := bufio.NewReader(client)
	selected := ""
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return
		}
		s := string(line)
		if f := p.faultFor(selected, s); f != nil {
			p.fired.Add(1)
			if f.before != nil {
				f.before()
			} else if !p.inject(c, br, f, line) {
				return
			} else {
				continue
			}
		}
		if fields := strings.Fields(s); len(fields) > 1 && (strings.EqualFold(fields[1], "SELECT") || strings.EqualFold(fields[1], "EXAMINE")) {
			selected = s
		}
		// Forward the command: its line, and each literal with the
		// line that follows it.
		for {
			if _, err := server.Write(line); err != nil {
				return
			}
			n, _, ok := literalAt(line)
			if !ok {
				break
			}
			if _, err := io.CopyN(server, br, n); err != nil {
				return
			}
			if line, err = br.ReadBytes('\n'); err != nil {
				return
			}
		}
	}
}

// faultFor returns the fault that acts on this command, if any.
func (p *imapProxy) faultFor(selected, line string) *fault {
	for _, f := range p.faults {
		if !f.match(selected, line) {
			continue
		}
		n := f.seen.Add(1)
		if n == int64(f.nth) || (f.every && n > int64(f.nth)) {
			return f
		}
	}
	return nil
}

// inject applies f to the command whose first line is line; it reports
// whether the connection goes on.
func (p *imapProxy) inject(c *conn, br *bufio.Reader, f *fault, line []byte) bool {
	tag, _, _ := strings.Cut(string(line), " ")
	switch f.act {
	case actReset:
		c.close(true)
		return false
	case actStall:
		<-p.stop
		return false
	}
	// The other acts answer the command: read it whole first (a
	// synchronising literal needs our go-ahead).
	if _, err := readUnit(br, func() error { return c.toClient([]byte("+ go ahead\r\n")) }, line...); err != nil {
		return false
	}
	switch f.act {
	case actReply:
		return c.toClient([]byte(tag+" "+f.text+"\r\n")) == nil
	case actBye:
		c.toClient([]byte("* BYE " + f.text + "\r\n"))
		c.close(false)
		return false
	default: // actGarbage
		return c.toClient([]byte(f.text)) == nil
	}
}

// literalRE finds a literal announcement {N} or {N+} ending a line.
var literalRE = regexp.MustCompile(`~?\{(\d+)(\+?)\}\r?\n$`)

// literalAt reports the size of the literal line announces, and whether
// it is synchronising.
func literalAt(line []byte) (n int64, sync, ok bool) {
	m := literalRE.FindSubmatch(line)
	if m == nil {
		return 0, false, false
	}
	n, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return 0, false, false
	}
	return n, len(m[2]) == 0, true
}

// readUnit reads one command or response: a line and, for each literal
// it announces, the literal and the next line. first, when given, is the
// first line already read. goAhead, when not nil, is called before a
// synchronising literal is read.
func readUnit(br *bufio.Reader, goAhead func() error, first ...byte) ([]byte, error) {
	var out []byte
	line := first
	if line == nil {
		var err error
		if line, err = br.ReadBytes('\n'); err != nil {
			return line, err
		}
	}
	for {
		out = append(out, line...)
		n, sync, ok := literalAt(line)
		if !ok {
			return out, nil
		}
		if sync && goAhead != nil {
			if err := goAhead(); err != nil {
				return out, err
			}
		}
		lit := make([]byte, n)
		if _, err := io.ReadFull(br, lit); err != nil {
			return out, err
		}
		out = append(out, lit...)
		var err error
		if line, err = br.ReadBytes('\n'); err != nil {
			if errors.Is(err, io.EOF) && len(line) == 0 {
				return out, nil
			}
			return append(out, line...), err
		}
	}
}

// isAppendTo matches APPEND commands to a mailbox whose name ends in
// "/"+box.
func isAppendTo(box string) func(string, string) bool {
	return func(_, line string) bool {
		f := strings.Fields(line)
		return len(f) > 2 && strings.EqualFold(f[1], "APPEND") && strings.Trim(f[2], `"`) != "" &&
			strings.HasSuffix(strings.Trim(f[2], `"`), "/"+box)
	}
}

// isBodyFetchIn matches UID FETCH commands of whole bodies in a selected
// mailbox whose name ends in "/"+box.
func isBodyFetchIn(box string) func(string, string) bool {
	return func(selected, line string) bool {
		f := strings.Fields(selected)
		return len(f) > 2 && strings.HasSuffix(strings.Trim(f[2], `"`), "/"+box) &&
			strings.Contains(line, "FETCH") && bytes.Contains([]byte(line), []byte("BODY.PEEK[]"))
	}
}
