package imap

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The stall watchdog (doc/design/trust-liveness.md, "Watchdog"): while a
// command runs, a connection on which the pending command makes no
// progress for the stall time is given up. Progress is a byte we send, a
// byte of a server response other than untagged status noise (* OK,
// * NO, * BAD, * BYE), or a byte of a literal: a server that only says
// "* OK still here" every minute does not keep a hung command alive.

// bindContext closes the connection when ctx ends, so a blocked command
// returns; the returned function undoes the binding (false: ctx ended
// and is closing the connection). While bound, a watchdog gives the
// connection up when the pending command makes no progress for the stall
// time (go-imap times out only responses that have begun to arrive); a
// session of a Store then gives up the whole Store (Store.giveUp).
func (s *session) bindContext(ctx context.Context) func() bool {
	stopAfter := context.AfterFunc(ctx, func() { s.cut.Store(true); s.c.Close() })
	tok := new(int)
	s.boundMu.Lock()
	if s.bound == nil {
		s.bound = map[*int]context.Context{}
	}
	s.bound[tok] = ctx
	s.boundMu.Unlock()
	var unbind sync.Once
	var stopped bool
	stopCtx := func() bool {
		unbind.Do(func() {
			s.boundMu.Lock()
			delete(s.bound, tok)
			s.boundMu.Unlock()
			if stopped = stopAfter(); !stopped {
				s.cut.Store(true) // the context ended: the closing is under way
			}
		})
		return stopped
	}
	if s.conn == nil || s.stall <= 0 {
		return stopCtx
	}
	s.conn.touch()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(s.stall / 8)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if s.conn.idleFor() > s.stall {
					s.conn.stalled.Store(true)
					if s.owner != nil {
						s.owner.giveUp(s.stall)
					}
					s.c.Close()
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() bool {
		once.Do(func() { close(done) })
		return stopCtx()
	}
}

// prefixConn replays what was read ahead of the client library and
// records when the pending command last made progress (for the stall
// watchdog). It must carry the clear text: over STARTTLS it sits above
// the TLS connection (starttls.go).
type prefixConn struct {
	net.Conn
	r       io.Reader
	last    atomic.Int64 // the last progress: nanoseconds since monoBase
	stalled atomic.Bool  // the watchdog gave the connection up
	in      progress     // only Read (go-imap's reader goroutine) uses it
	// trace, when set, gets the dialogue; Write also puts STATUS items
	// in a fixed order (traceconn.go).
	trace *connTrace
}

func (p *prefixConn) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 && p.trace != nil {
		p.trace.in.Write(b[:n])
	}
	if n > 0 && p.in.feed(b[:n]) {
		p.touch()
	}
	return n, err
}

func (p *prefixConn) Write(b []byte) (int, error) {
	if p.trace != nil {
		b = p.trace.sent.rewrite(b)
		p.trace.out.Write(b)
	}
	n, err := p.Conn.Write(b)
	if n > 0 {
		p.touch()
	}
	return n, err
}

// monoBase is the origin of prefixConn.last: durations since it come
// from the monotonic clock, so a jump of the wall clock (NTP, a suspended
// laptop's clock set) neither makes a working connection look stalled nor
// hides a stall, as wall-clock nanoseconds would.
var monoBase = time.Now()

func (p *prefixConn) touch() { p.last.Store(int64(time.Since(monoBase))) }

func (p *prefixConn) idleFor() time.Duration {
	return time.Since(monoBase) - time.Duration(p.last.Load())
}

// progress follows the server's byte stream response by response: lines,
// and the {N} literals a line may announce at its end, whose N bytes
// belong to the same response. It tells which bytes are progress.
type progress struct {
	lit     int64  // bytes of a literal still to come
	head    []byte // the first bytes of the current response
	decided bool   // noise is known for the current response
	noise   bool   // the current response is untagged status noise
	tail    []byte // the last bytes of the current line (a literal's {N})
}

const (
	headLen = 6  // "* BAD " decides every status response
	tailLen = 24 // "{" + 20 digits + "+}" + CRLF
)

// feed consumes bytes read from the server and reports whether any of
// them is progress.
func (p *progress) feed(b []byte) bool {
	moved := false
	for len(b) > 0 {
		if p.lit > 0 {
			n := min(int64(len(b)), p.lit)
			p.lit -= n
			b = b[n:]
			moved = true
			continue
		}
		seg := b
		end := bytes.IndexByte(b, '\n')
		if end >= 0 {
			seg = b[:end+1]
		}
		b = b[len(seg):]
		if len(p.head) < headLen {
			p.head = append(p.head, seg[:min(len(seg), headLen-len(p.head))]...)
		}
		p.keepTail(seg)
		if !p.decided && (len(p.head) >= headLen || end >= 0) {
			p.noise, p.decided = isStatusNoise(p.head), true
		}
		if p.decided && !p.noise {
			moved = true
		}
		if end < 0 {
			continue
		}
		if n, ok := literalAtEnd(p.tail); ok {
			p.lit, p.tail = n, p.tail[:0] // the response goes on after it
			continue
		}
		p.head, p.tail, p.decided, p.noise = p.head[:0], p.tail[:0], false, false
	}
	return moved
}

// between reports whether the bytes fed so far end a response (or none
// came yet): the next byte begins a new one (literalplus.go).
func (p *progress) between() bool { return p.lit == 0 && len(p.head) == 0 }

// keepTail keeps the last tailLen bytes of the current line.
func (p *progress) keepTail(seg []byte) {
	if len(seg) >= tailLen {
		p.tail = append(p.tail[:0], seg[len(seg)-tailLen:]...)
		return
	}
	p.tail = append(p.tail, seg...)
	if over := len(p.tail) - tailLen; over > 0 {
		p.tail = append(p.tail[:0], p.tail[over:]...)
	}
}

// isStatusNoise reports whether a response starting with head is an
// untagged status response (* OK, * NO, * BAD, * BYE), which says
// nothing about the pending command's progress.
func isStatusNoise(head []byte) bool {
	if len(head) < 2 || head[0] != '*' || head[1] != ' ' {
		return false
	}
	for _, w := range []string{"OK", "NO", "BAD", "BYE"} {
		rest := head[2:]
		if len(rest) < len(w) || !bytes.EqualFold(rest[:len(w)], []byte(w)) {
			continue
		}
		rest = rest[len(w):]
		if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\r' || rest[0] == '\n' || rest[0] == '[' {
			return true
		}
	}
	return false
}

// literalAtEnd returns N when line ends with a literal's "{N}" (or
// "{N+}") and its line end.
func literalAtEnd(line []byte) (int64, bool) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false
	}
	digits := bytes.TrimSuffix(line[open+1:len(line)-1], []byte("+"))
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
