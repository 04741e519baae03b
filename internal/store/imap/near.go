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
// Near is measured, not guessed from the address. Every exchange on the
// first connection takes at least one round trip of the link, however
// busy the server: the greeting two (it comes 1.5 round trips after the
// dial at the earliest, plus its own way back), the login one, a NOOP
// one. The shortest of them bounds the round trip from above, and the
// server is near when that bound is within nearRoundTrip. The greeting
// and the login cost nothing to time; only when neither was quick
// enough is a NOOP sent, right after the login, ahead of the LIST, so
// it costs no round trip of its own. One quick answer is enough: on a
// loaded machine (the benchmarks' Dovecot shares our two CPUs) a loopback
// server's first answer after a login took 17 to 24 ms in 8 of 10 runs,
// and only the greeting or the login was quick. A link that only looks
// local is measured as what it is: the benchmarks' relay holds every
// exchange back as a real link would; a tunnel whose near end accepts
// the connection itself brings the greeting after 1.5 round trips at the
// earliest, so one up to about 13 ms may be taken for near.

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

// greetingRoundTrip is the round trip a greeting that came after
// sinceDial bounds: half of it (doc/design/wan.md, "Near servers").
func greetingRoundTrip(sinceDial time.Duration) time.Duration { return sinceDial / 2 }

// quicker records that an exchange on the connection took took.
func (sess *session) quicker(took time.Duration) {
	if sess.quickest == 0 || took < sess.quickest {
		sess.quickest = took
	}
}

// probeNear decides whether the server is near where the store may work
// on several folders at once and no protocol trace is written (its lines
// must not change): from the first connection's quickest exchange, or,
// when that was not quick enough, from a NOOP sent on it.
func (s *Store) probeNear(sess *session) {
	if s.max <= 1 || s.trace != nil {
		return
	}
	start := time.Now()
	p := &nearProbe{by: start.Add(nearRoundTrip), known: make(chan struct{})}
	s.probe = p
	if sess.quickest > 0 && sess.quickest < nearRoundTrip {
		p.near = true
		close(p.known)
		return
	}
	cmd := sess.c.Noop()
	go func() {
		p.near = cmd.Wait() == nil && time.Since(start) < nearRoundTrip
		close(p.known)
	}()
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
