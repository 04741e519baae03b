package netrelay

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are a relay's counters since Start. Subtract two snapshots to get
// the figures of what happened in between.
type Stats struct {
	Connections int64 // connections accepted
	Turns       int64 // client chunks sent after having received (see the package doc)
	BytesUp     int64 // client -> server
	BytesDown   int64 // server -> client
}

// RoundTrips is the number of round trips the client waited for: one per
// turn and one per connection (its handshake).
func (s Stats) RoundTrips() int64 { return s.Turns + s.Connections }

// Sub returns s - o, field by field.
func (s Stats) Sub(o Stats) Stats {
	return Stats{
		Connections: s.Connections - o.Connections,
		Turns:       s.Turns - o.Turns,
		BytesUp:     s.BytesUp - o.BytesUp,
		BytesDown:   s.BytesDown - o.BytesDown,
	}
}

// Relay is a running relay. Its methods are safe for concurrent use.
type Relay struct {
	upstream  string
	delay     time.Duration
	bandwidth int64
	ln        net.Listener

	conns, turns, up, down atomic.Int64

	mu      sync.Mutex
	open    map[*link]struct{}
	stopped bool
	wg      sync.WaitGroup
	stopCtx func() bool
}

// Start listens on a free port of 127.0.0.1 and relays every connection
// to upstream (host:port) with delay added in each direction. bandwidth
// caps each direction of each connection in bytes per second; 0 means no
// cap. The relay stops when ctx ends or Stop is called.
func Start(ctx context.Context, upstream string, delay time.Duration, bandwidth int64) (*Relay, error) {
	if delay < 0 || bandwidth < 0 {
		return nil, fmt.Errorf("relay to %s: negative delay %v or bandwidth %d", upstream, delay, bandwidth)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("relay to %s: %w", upstream, err)
	}
	r := &Relay{upstream: upstream, delay: delay, bandwidth: bandwidth, ln: ln, open: map[*link]struct{}{}}
	r.stopCtx = context.AfterFunc(ctx, func() { r.Stop() })
	r.wg.Add(1)
	go r.accept()
	return r, nil
}

// Addr is the relay's listening address, host:port.
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// Port is the relay's listening port.
func (r *Relay) Port() int {
	_, p, _ := net.SplitHostPort(r.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// Stats returns the counters so far.
func (r *Relay) Stats() Stats {
	return Stats{
		Connections: r.conns.Load(),
		Turns:       r.turns.Load(),
		BytesUp:     r.up.Load(),
		BytesDown:   r.down.Load(),
	}
}

// Stop closes the listener and every relayed connection and waits until
// all of the relay's goroutines have ended. It may be called more than
// once.
func (r *Relay) Stop() error {
	r.stopCtx()
	r.mu.Lock()
	already := r.stopped
	r.stopped = true
	for l := range r.open {
		l.close()
	}
	r.mu.Unlock()
	var err error
	if !already {
		err = r.ln.Close()
	}
	r.wg.Wait()
	return err
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return // closed by Stop
		}
		r.conns.Add(1)
		l := &link{r: r, client: c, accepted: time.Now()}
		r.mu.Lock()
		if r.stopped {
			r.mu.Unlock()
			c.Close()
			return
		}
		r.open[l] = struct{}{}
		r.wg.Add(1)
		r.mu.Unlock()
		go l.run()
	}
}

// link is one relayed connection.
type link struct {
	r        *Relay
	client   net.Conn
	accepted time.Time
	mu       sync.Mutex
	server   net.Conn // set by run before the pipes start
	closed   bool
	// delivered is set when server data is about to be written to the
	// client and cleared by the client's next chunk, which is a turn.
	delivered atomic.Bool
}

func (l *link) run() {
	defer l.r.wg.Done()
	defer func() {
		l.r.mu.Lock()
		delete(l.r.open, l)
		l.r.mu.Unlock()
	}()
	defer l.close()
	server, err := net.Dial("tcp", l.r.upstream)
	if err != nil {
		return // the client sees the connection closed, as with a refused one
	}
	l.mu.Lock()
	closed := l.closed
	l.server = server
	l.mu.Unlock()
	if closed {
		server.Close()
		return
	}
	d := l.r.delay
	up := &pipe{l: l, from: l.client, to: server, gate: l.accepted.Add(d), count: &l.r.up, fromClient: true}
	down := &pipe{l: l, from: server, to: l.client, gate: l.accepted.Add(3 * d), count: &l.r.down}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); up.run() }()
	go func() { defer wg.Done(); down.run() }()
	wg.Wait()
}

// close closes both connections (once).
func (l *link) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	l.client.Close()
	if l.server != nil {
		l.server.Close()
	}
}
