package imap

import (
	"time"
)

// Near servers (doc/design/wan.md, "Near servers"). The pool works on
// several folders at once so that their round trips overlap; the sync
// engine then works on as many boxes at once as the pool has
// connections, beyond its count of CPUs. That pays over a link. On a
// server that answers at once (the same host, the same LAN) the boxes
// wait on a CPU, not on the link: more boxes at once than CPUs only make
// them take turns on the CPUs, and each further connection's login costs
// the server a process (Dovecot: about 9 ms here), on the same host out
// of our CPUs. Such a store says so (Near), and the engine keeps to its
// own count.
//
// Near is measured, not guessed from the address: a NOOP is sent on the
// first connection right after the login, ahead of the LIST, so it costs
// no round trip of its own, and the server is near when its answer is
// back within nearRoundTrip. A link that only looks local (a tunnel, the
// benchmarks' relay) is measured as what it is.

// nearRoundTrip is the longest NOOP round trip of a near server. Loopback
// Dovecot answers the first command after a login in 0.1 to 6.5 ms (it is
// still setting up the session at times), a LAN in about a millisecond
// more. At 8 to 10 ms the flag sync and the WAN suite's cases measured no
// worse with the engine's own count than with the pool's
// (doc/design/wan.md, "Near servers"); beyond, the pool's connections pay.
const nearRoundTrip = 10 * time.Millisecond

// nearProbe is the NOOP sent to tell whether the server is near.
type nearProbe struct {
	by    time.Time     // when its answer must be in for a near server
	known chan struct{} // closed once the answer is in (or failed)
	near  bool          // set before known is closed
}

// probeNear sends the NOOP on the first connection, where the store may
// work on several folders at once and no protocol trace is written (its
// lines must not change).
func (s *Store) probeNear(sess *session) {
	if s.max <= 1 || s.trace != nil {
		return
	}
	start := time.Now()
	p := &nearProbe{by: start.Add(nearRoundTrip), known: make(chan struct{})}
	cmd := sess.c.Noop()
	go func() {
		p.near = cmd.Wait() == nil && time.Since(start) < nearRoundTrip
		close(p.known)
	}()
	s.probe = p
}

// Near reports whether the server answered the first connection's NOOP
// within nearRoundTrip; false when no NOOP was sent. It waits at most
// until that time is up.
func (s *Store) Near() bool {
	p := s.probe
	if p == nil {
		return false
	}
	t := time.NewTimer(time.Until(p.by))
	defer t.Stop()
	select {
	case <-p.known:
		return p.near
	case <-t.C:
		select {
		case <-p.known:
			return p.near
		default:
			return false
		}
	}
}
