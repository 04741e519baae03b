package imap

import (
	"context"
	"errors"
	"fmt"
	"slices"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

// The connection pool (doc/design/wan.md, "Several folders at once"). A
// store opens its first connection when it is dialled, as it always did,
// and further ones only when a box needs one while every open one is
// busy: the sync engine then works on several folders at once, each on
// a connection of its own, so their round trips overlap.
//
//   - At most Store.max connections are open at once: defaultConnections,
//     or the /connections=N flag of the server name (name.go); with 1 the
//     store works one folder after the other, as before.
//   - Only where the run gathers the folders' status with the listing
//     (Store.gathersStatus: Options.ListStatus, on a server with
//     CONDSTORE, by LIST-STATUS as Dovecot and Cyrus offer, else by
//     STATUS commands all sent at once), which is also where folders'
//     listings are sent ahead (ahead.go). Elsewhere (Courier, which has
//     no CONDSTORE; -d and -vb runs, which gather no status; a protocol
//     trace without LIST-STATUS) the store keeps one connection for the whole
//     run, one login and one "Authorizing against" line, and is asked
//     one folder at a time as before.
//   - A further connection is opened only once the server has opened a
//     folder for us (proven): answered a STATUS of one with the LIST (or
//     the STATUS commands sent with it), or selected one. A server that
//     stops answering before that is given up on the one connection it
//     has, not asked again on new ones (doc/design/trust-liveness.md).
//     Until session 13 only a SELECT proved the server: over a link the
//     further connections then started one round trip later
//     (doc/design/wan.md, "Proven by the listing").
//   - A further connection logs in with what the first login succeeded
//     with, once, without a prompt and without an "Authorizing against"
//     line (decision D15: one line per login of the first connection), so
//     the output is what it always was. Whatever goes
//     wrong (the server refuses the connection or the login, a per-user
//     limit, a BYE) only lowers the limit to the connections open: the
//     store goes on with those, and says nothing more.
//   - A box that finds every connection busy and no room for another
//     waits for one to be given back (or for its context to end, or the
//     store to be given up). So does a call on the Store itself (List,
//     Create, Delete, Signature): with one connection it waits until the
//     open box is closed, as the engine's callers arrange.

// defaultConnections is how many connections a store opens at most when
// the server name does not say (/connections=N).
const defaultConnections = 4

// maxConnections bounds /connections=N.
const maxConnections = 16

// credential is what a login succeeded with.
type credential struct{ user, pass string }

var _ store.ConcurrentBoxes = (*Store)(nil)

// ConcurrentBoxes implements store.ConcurrentBoxes: several boxes may be
// worked on at once, each on a connection of its own, when the store may
// open more than one and no protocol trace (-di, /debug) is written,
// whose lines must come in the order of a run that takes one box after
// the other.
func (s *Store) ConcurrentBoxes() bool {
	return s.trace == nil && s.Connections() > 1
}

// Connections is how many connections the store may have open at once
// (how many boxes are worth working on at once); it drops when the
// server refused one.
func (s *Store) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max
}

// prove records that the server opened a folder for us (a further
// connection may now be opened: pool.go) and, the first time, wakes the
// takes waiting for a connection: they may open one instead of waiting
// for a box to be closed.
func (s *Store) prove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.proven {
		s.proven = true
		s.wakeLocked()
	}
}

// wakeLocked wakes every take waiting for a connection. s.mu is held.
func (s *Store) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// liveLocked counts the open connections (idle or in use) and forgets
// the closed ones. s.mu is held.
func (s *Store) liveLocked() int {
	kept := s.all[:0]
	for _, sess := range s.all {
		if sess.alive() {
			kept = append(kept, sess)
		}
	}
	clear(s.all[len(kept):])
	s.all = kept
	return len(kept)
}

// take returns an idle connection; when none is idle, a further one
// while the pool may grow, else the first one given back. With no
// connection open at all (the server closed them, a context cut one) it
// dials and logs in as the first connection did.
func (s *Store) take(ctx context.Context) (*session, error) {
	return s.takeFor(ctx, false)
}

// takeLent is take for sending a lent mailbox's commands (detach.go):
// the connection comes back (giveLent) as soon as they are written, so
// while one is being written no further connection is opened for
// another box, which waits for it instead: a login costs more round
// trips than a place in the queue.
func (s *Store) takeLent(ctx context.Context) (*session, error) {
	return s.takeFor(ctx, true)
}

// giveLent gives back a connection taken with takeLent.
func (s *Store) giveLent(sess *session) {
	s.mu.Lock()
	s.sending--
	s.mu.Unlock()
	s.give(sess, false)
}

func (s *Store) takeFor(ctx context.Context, lent bool) (*session, error) {
	got := func(sess *session) (*session, error) { // s.mu is held
		if lent {
			s.sending++
		}
		s.mu.Unlock()
		return sess, nil
	}
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, errors.New("store is closed")
		}
		if s.dead != nil {
			s.mu.Unlock()
			return nil, s.dead
		}
		if sess := s.idleLocked(); sess != nil {
			return got(sess)
		}
		live := s.liveLocked()
		if live == 0 {
			s.mu.Unlock()
			sess, err := s.dial(ctx, false)
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			return got(sess)
		}
		if live+s.dialing < s.max && s.proven && s.sending == 0 {
			s.dialing++
			s.mu.Unlock()
			sess, err := s.dial(ctx, true)
			s.mu.Lock()
			s.dialing--
			if err == nil {
				return got(sess)
			}
			if ctx.Err() == nil && s.dead == nil && !s.closed {
				// Refused: go on with the connections open (and
				// those still being opened).
				s.max = max(1, s.liveLocked()+s.dialing)
			}
			s.wakeLocked()
			s.mu.Unlock()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// idleLocked takes an idle connection: the last one given back among
// those that carry the least of lent mailboxes' answers (detach.go), or
// none when that is lentPerConnection or more while the pool may grow.
// Those that died while idle (a server timeout, a cancelled context) are
// closed and dropped. s.mu is held.
func (s *Store) idleLocked() *session {
	kept := s.idle[:0]
	for _, sess := range s.idle {
		if sess.alive() {
			kept = append(kept, sess)
		} else {
			sess.c.Close()
		}
	}
	clear(s.idle[len(kept):])
	s.idle = kept
	best := -1
	for i := len(s.idle) - 1; i >= 0; i-- {
		if best < 0 || s.idle[i].inFlight.Load() < s.idle[best].inFlight.Load() {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	sess := s.idle[best]
	if sess.inFlight.Load() >= lentPerConnection && s.proven && s.liveLocked()+s.dialing < s.max {
		return nil
	}
	s.idle = slices.Delete(s.idle, best, best+1)
	return sess
}

// give returns a connection to the idle pool, or closes a broken one.
func (s *Store) give(sess *session, broken bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.wakeLocked()
	if broken || s.closed {
		sess.c.Close()
		return
	}
	s.idle = append(s.idle, sess)
}

// errNoCredential: the first login left nothing a further one could use
// (the server pre-authenticated it).
var errNoCredential = errors.New("no credential of the first login to reuse")

// loginAgain logs a further connection in with what the first login
// succeeded with: once, silently (no prompt, no "Authorizing against"
// line: the store's lines are its first connection's, so the output does
// not depend on how many connections a run opened or when;
// doc/design/decisions.md#d15-login-lines); a failure is not reported
// (take lowers the limit).
func (s *Store) loginAgain(sess *session) error {
	if sess.c.State() == goimap.ConnStateAuthenticated {
		return nil // PREAUTH
	}
	s.mu.Lock()
	cred := s.login1
	s.mu.Unlock()
	if cred == nil {
		return errNoCredential
	}
	if err := s.authenticate(sess, sess.c.Caps(), cred.user, cred.pass); err != nil {
		return fmt.Errorf("further connection: %w", err)
	}
	return nil
}
