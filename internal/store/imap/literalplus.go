package imap

import (
	"bytes"
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// Appends without waiting for the server's go-ahead (doc/design/wan.md,
// "Literals above 4 KB"). go-imap v2.0.0-beta.8 sends a literal above
// 4,096 bytes as a synchronizing one, "{N}", and waits for the server's
// "+" before the bytes, even when the server offers LITERAL+ (RFC 7888),
// which allows "{N+}" of any size without that wait: every APPEND of a
// message above 4 KB cost a round trip of its own. literalPlusConn sits
// between go-imap and the connection. While armed (a started append on a
// server with LITERAL+: appendstart.go), it sends the literal that ends a
// command line as "{N+}" and hands go-imap the "+" it waits for itself,
// between two of the server's responses, so go-imap goes on as the
// server had answered. Nothing else of either stream is changed.

// goAhead is the continuation request handed to go-imap.
const goAhead = "+ go ahead\r\n"

// literalPlusConn is a connection that can turn go-imap's synchronizing
// literals into non-synchronizing ones (see above).
type literalPlusConn struct {
	net.Conn

	// The write side, used by go-imap's writer (one command at a time).
	wmu   sync.Mutex
	armed bool   // rewrite the literal that ends the next command line
	line  []byte // the current command line, held until its CRLF
	lit   int64  // literal bytes still to pass through unchanged

	// The read side. go-imap's reader calls Read; Write may hand it a
	// go-ahead (pending) and wake it from the connection's Read.
	mu       sync.Mutex
	pending  int       // go-aheads to hand go-imap
	give     []byte    // the rest of a go-ahead not yet read
	server   progress  // where the server's stream is (watchdog.go)
	reading  bool      // go-imap's reader is in the connection's Read
	woken    bool      // Write set a past read deadline to wake it
	deadline time.Time // go-imap's read deadline
}

func newLiteralPlusConn(c net.Conn) *literalPlusConn {
	return &literalPlusConn{Conn: c}
}

// arm makes the literal that ends the next command line written a
// non-synchronizing one (the caller knows the server offers LITERAL+).
func (l *literalPlusConn) arm(on bool) {
	l.wmu.Lock()
	l.armed = on
	l.wmu.Unlock()
}

// Write passes b on, holding each command line back until its CRLF so
// that a "{N}" at its end can become "{N+}". It always reports len(b).
func (l *literalPlusConn) Write(b []byte) (int, error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	total := len(b)
	var out []byte
	for len(b) > 0 {
		if l.lit > 0 {
			n := min(int64(len(b)), l.lit)
			out = append(out, b[:n]...)
			b, l.lit = b[n:], l.lit-n
			continue
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.line = append(l.line, b...)
			break
		}
		l.line = append(l.line, b[:i+1]...)
		b = b[i+1:]
		line := l.line
		size, ok := literalAtEnd(line)
		if ok {
			l.lit = size
		}
		if ok && l.armed && synchronizing(line) {
			line = append(line[:len(line)-3:len(line)-3], "+}\r\n"...)
			l.armed = false
			l.handAhead()
		}
		out = append(out, line...)
		l.line = l.line[:0]
	}
	if len(out) > 0 {
		if _, err := l.Conn.Write(out); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// synchronizing reports whether line, which announces a literal at its
// end (literalAtEnd), announces a synchronizing one: "{N}" and CRLF.
func synchronizing(line []byte) bool {
	return bytes.HasSuffix(line, []byte("}\r\n")) && !bytes.HasSuffix(line, []byte("+}\r\n"))
}

// handAhead queues a go-ahead for go-imap's reader and wakes it if it is
// waiting on the connection.
func (l *literalPlusConn) handAhead() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending++
	if l.reading && !l.woken {
		l.woken = true
		l.Conn.SetReadDeadline(time.Unix(1, 0))
	}
}

// SetReadDeadline records go-imap's deadline (restored after a wake-up).
func (l *literalPlusConn) SetReadDeadline(t time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deadline = t
	if l.woken {
		return nil // set when the wake-up is over
	}
	return l.Conn.SetReadDeadline(t)
}

// SetDeadline sets both deadlines through SetReadDeadline's bookkeeping.
func (l *literalPlusConn) SetDeadline(t time.Time) error {
	if err := l.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return l.SetReadDeadline(t)
}

// Read hands go-imap the server's bytes, and a pending go-ahead as soon
// as the server's stream is between two responses (any boundary after
// the command line will do: the server, reading the literal, sends no
// answer to it before it has the bytes).
func (l *literalPlusConn) Read(b []byte) (int, error) {
	for {
		l.mu.Lock()
		if len(l.give) == 0 && l.pending > 0 && l.server.between() {
			l.pending--
			l.give = []byte(goAhead)
		}
		if len(l.give) > 0 {
			n := copy(b, l.give)
			l.give = l.give[n:]
			l.mu.Unlock()
			return n, nil
		}
		l.reading = true
		l.mu.Unlock()
		n, err := l.Conn.Read(b)
		l.mu.Lock()
		l.reading = false
		if l.woken {
			l.woken = false
			l.Conn.SetReadDeadline(l.deadline)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = nil
			}
		}
		l.server.feed(b[:n])
		l.mu.Unlock()
		if n > 0 || err != nil {
			return n, err
		}
	}
}
