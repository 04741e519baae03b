package netrelay

import (
	"net"
	"sync/atomic"
	"time"
)

// pipe is one direction of a link: a reader that stamps each chunk with
// the time it is due at the other end, and a writer that writes the chunks
// in order when they are due.
type pipe struct {
	l          *link
	from, to   net.Conn
	gate       time.Time // no chunk starts its journey before this (the handshake)
	count      *atomic.Int64
	fromClient bool
	free       time.Time // with a bandwidth cap: when the "wire" is free again
}

// chunk is data in flight; eof marks the end of the reading side.
type chunk struct {
	data []byte
	due  time.Time
	eof  bool
}

const (
	readSize = 64 << 10
	// queueLen bounds the chunks in flight in one direction; when it is
	// full the reader stops reading and TCP pushes back on the sender.
	queueLen = 4096
)

func (p *pipe) run() {
	q := make(chan chunk, queueLen)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.write(q)
	}()
	p.read(q)
	<-done
}

// read reads from p.from until EOF or an error and queues what it read.
func (p *pipe) read(q chan<- chunk) {
	defer close(q)
	buf := make([]byte, readSize)
	for {
		n, err := p.from.Read(buf)
		if n > 0 {
			if p.fromClient && p.l.delivered.Swap(false) {
				p.l.r.turns.Add(1)
			}
			q <- chunk{data: append([]byte(nil), buf[:n]...), due: p.due(n)}
		}
		if err != nil {
			q <- chunk{eof: true, due: p.due(0)}
			return
		}
	}
}

// due is when n bytes read now arrive at the other end.
func (p *pipe) due(n int) time.Time {
	start := time.Now()
	if start.Before(p.gate) {
		start = p.gate
	}
	if bw := p.l.r.bandwidth; bw > 0 {
		if start.Before(p.free) {
			start = p.free
		}
		start = start.Add(time.Duration(int64(n) * int64(time.Second) / bw))
		p.free = start
	}
	return start.Add(p.l.r.delay)
}

// write writes the queued chunks to p.to when they are due. At the end of
// the reading side it half-closes p.to; on a write error it closes the
// link and discards the rest.
func (p *pipe) write(q <-chan chunk) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	failed := false
	for c := range q {
		if failed {
			continue
		}
		if wait := time.Until(c.due); wait > 0 {
			timer.Reset(wait)
			<-timer.C
		}
		if c.eof {
			if tc, ok := p.to.(*net.TCPConn); ok {
				tc.CloseWrite()
			} else {
				p.l.close()
			}
			continue
		}
		// Count and mark before writing: once written, the other side
		// may act on the data before this goroutine runs again.
		if !p.fromClient {
			p.l.delivered.Store(true)
		}
		p.count.Add(int64(len(c.data)))
		n, err := p.to.Write(c.data)
		if err != nil {
			p.count.Add(int64(n - len(c.data)))
			failed = true
			p.l.close()
		}
	}
}
