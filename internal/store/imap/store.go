package imap

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/store"
)

// Store is one IMAP server seen as a store.Store. It keeps a small pool
// of logged-in connections (pool.go): each open mailbox has one of its
// own, idle ones are reused, and a further one is opened only while
// every one is busy, up to a limit.
type Store struct {
	srv   Server
	opt   Options
	trace *maskingWriter
	host  string

	// arenas are FetchEach's batch buffers, kept between calls.
	arenas chan []byte

	mu sync.Mutex
	// user is the name the first login succeeded with (the header
	// caches' identity); "" when unknown (PREAUTH without /user=).
	user   string
	idle   []*session
	all    []*session
	closed bool
	// dead is why the store was given up (doc/design/trust-liveness.md,
	// "A dead store"); every later operation returns it.
	dead error
	// listed are the folders' STATUS answers that came with the last
	// LIST (LIST-STATUS), by name: Signature takes each once instead of
	// sending STATUS (signature.go).
	listed map[string]goimap.StatusData
	// validity are the folders' UIDVALIDITY and UIDNEXT the last LIST
	// gave, kept for the listing Open sends ahead (ahead.go).
	validity map[string]listStatus
	// lent is the listed size of the folders read in flight (detach.go);
	// sending counts the connections taken to send a lent folder's
	// commands (takeLent).
	lent    int64
	sending int

	// The pool (pool.go). max is how many connections may be open at
	// once; proven: the server has selected a folder for us; dialing:
	// further connections being opened; wake is closed (and replaced)
	// whenever a connection is given back or the store ends; login1 is
	// what the first login succeeded with, for the further connections.
	max     int
	proven  bool
	dialing int
	wake    chan struct{}
	login1  *credential
	// probe tells whether the server is near (near.go); nil when not
	// asked. Set by Dial, read-only after.
	probe *nearProbe
}

// giveUp declares the store unreachable after a command made no progress
// for stall: every connection is closed now, so operations waiting on
// other connections end as well, and every later operation fails at
// once with an error wrapping store.ErrStoreUnavailable.
func (s *Store) giveUp(stall time.Duration) {
	s.mu.Lock()
	if s.dead == nil {
		s.dead = &unavailableError{server: s.opt.Name, stall: stall}
	}
	all := s.all
	s.idle = nil
	s.wakeLocked()
	s.mu.Unlock()
	for _, sess := range all {
		if sess.conn != nil {
			sess.conn.stalled.Store(true) // its command reports s.dead
		}
		sess.c.Close()
	}
}

// unavailable returns why the store was given up, nil while it is not.
func (s *Store) unavailable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dead
}

var _ store.Store = (*Store)(nil)

// Dial parses the server part of name ("{host/flags}"), connects and
// logs in. Failures are *ContactError with 5.2.7's wording.
func Dial(ctx context.Context, name string, opt Options) (*Store, error) {
	srv, _, err := ParseName(name)
	if err != nil {
		return nil, err
	}
	if opt.Name == "" {
		opt.Name = name
	}
	s := &Store{srv: srv, opt: opt, arenas: make(chan []byte, arenas)}
	s.trace = newTrace(srv, &s.opt)
	s.max = srv.Connections
	if s.max == 0 {
		s.max = defaultConnections
	}
	s.wake = make(chan struct{})
	sess, err := s.dial(ctx, false)
	if err != nil {
		return nil, err
	}
	if !s.gathersStatus(sess) {
		s.max = 1 // one folder at a time (pool.go)
	}
	s.probeNear(sess)
	s.idle = append(s.idle, sess)
	return s, nil
}

// Server returns the parsed server part.
func (s *Store) Server() Server { return s.srv }

// dial opens and logs in one more connection. further: one of the pool's
// further connections (pool.go), logged in with the first login's
// credential, without asking.
func (s *Store) dial(ctx context.Context, further bool) (*session, error) {
	sess, err := connect(ctx, s.srv, &s.opt, s.trace)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &ContactError{Server: s.opt.Name, Reason: connectReason(s.srv, err), Err: err}
	}
	sess.owner = s
	stop := sess.bindContext(ctx)
	if further {
		err = s.loginAgain(sess)
	} else {
		err = s.login(ctx, sess)
	}
	stop()
	if err != nil {
		sess.c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if dead := s.unavailable(); dead != nil {
			err = dead // the login made no progress
		}
		return nil, &ContactError{Server: s.opt.Name, Reason: loginReason(err), Err: err}
	}
	s.mu.Lock()
	s.all = append(s.all, sess)
	s.mu.Unlock()
	return sess, nil
}

// loginReason words a login failure.
func loginReason(err error) string {
	var ie *goimap.Error
	if errors.As(err, &ie) {
		return "Can not authenticate to IMAP server: " + responseText(err)
	}
	return err.Error()
}

// withSession runs f on an idle connection bound to ctx.
func (s *Store) withSession(ctx context.Context, f func(*session) error) error {
	sess, err := s.take(ctx)
	if err != nil {
		return err
	}
	stop := sess.bindContext(ctx)
	err = f(sess)
	cut := !stop() // the context ended and is closing the connection
	s.give(sess, cut || !sess.alive())
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if dead := s.unavailable(); err != nil && dead != nil {
		return dead
	}
	return err
}

// List runs LIST ref pat (doc/design/behaviour.md#listing). Names are the server's modified
// UTF-7 (wirename.go) and keep the server's delimiter.
func (s *Store) List(ctx context.Context, ref, pat string) ([]store.ListEntry, error) {
	var out []store.ListEntry
	err := s.withSession(ctx, func(sess *session) error {
		list, err := sess.c.List(wire(ref), wire(pat), s.listOptions(sess)).Collect()
		if err != nil {
			return fmt.Errorf("LIST %q %q on %s: %w", ref, pat, s.opt.Name, err)
		}
		s.keepListed(list)
		if s.listOptions(sess) == nil && s.gathersStatus(sess) { // no LIST-STATUS
			s.statusAll(sess, list)
		}
		for _, l := range list {
			e := store.ListEntry{Name: mutf7.Encode(l.Mailbox)} // the name as the server sent it
			if l.Delim > 0 && l.Delim < 128 {
				e.Delim = byte(l.Delim)
			}
			for _, a := range l.Attrs {
				switch a {
				case goimap.MailboxAttrNoSelect, goimap.MailboxAttrNonExistent:
					e.NoSelect = true
				case goimap.MailboxAttrNoInferiors:
					e.NoInferiors = true
				case goimap.MailboxAttrMarked:
					e.Marked = true
				case goimap.MailboxAttrUnmarked:
					e.Unmarked = true
				}
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Create runs CREATE; the server creates missing parents. The empty name
// is answered without asking: a local store lists its own prefix
// directory as the box "", which is "" on a server without prefix. It is
// the root of the server's hierarchy: it exists (LIST "" "" reports it,
// which is what the server's NO to CREATE "" used to be taken for) and
// is no mailbox (Open).
func (s *Store) Create(ctx context.Context, name string) error {
	if name == "" {
		return fmt.Errorf("create on %s: the empty name is the root: %w", s.opt.Name, store.ErrExists)
	}
	return s.withSession(ctx, func(sess *session) error {
		err := sess.c.Create(wire(name), nil).Wait()
		if err == nil {
			return nil
		}
		if hasCode(err, goimap.ResponseCodeAlreadyExists) {
			return fmt.Errorf("create %s: %w", name, store.ErrExists)
		}
		if exists, lerr := s.exists(sess, name); lerr == nil && exists {
			return fmt.Errorf("create %s: %s: %w", name, responseText(err), store.ErrExists)
		}
		return fmt.Errorf("create %s: %s", name, responseText(err))
	})
}

// exists reports whether LIST "" name finds the folder.
func (s *Store) exists(sess *session, name string) (bool, error) {
	list, err := sess.c.List("", wire(name), nil).Collect()
	return len(list) > 0, err
}

// Delete runs DELETE.
func (s *Store) Delete(ctx context.Context, name string) error {
	s.dropSelecting(name)
	return s.withSession(ctx, func(sess *session) error {
		if err := s.leave(sess, name); err != nil {
			return fmt.Errorf("delete %s: leave it first: %w", name, err)
		}
		err := sess.c.Delete(wire(name)).Wait()
		if err == nil {
			return nil
		}
		if hasCode(err, goimap.ResponseCodeNonExistent) {
			return fmt.Errorf("delete %s: %w", name, store.ErrNoMailbox)
		}
		if exists, lerr := s.exists(sess, name); lerr == nil && !exists {
			return fmt.Errorf("delete %s: %s: %w", name, responseText(err), store.ErrNoMailbox)
		}
		return fmt.Errorf("delete %s: %s", name, responseText(err))
	})
}

// leave makes sure folder name is not selected on sess (Mailbox.Close
// leaves it so): UNSELECT where the server has it, else EXAMINE INBOX.
func (s *Store) leave(sess *session, name string) error {
	if sess.selected != name {
		return nil
	}
	var err error
	if sess.c.Caps().Has(goimap.CapUnselect) {
		err = sess.c.Unselect().Wait()
	} else {
		_, err = sess.c.Select("INBOX", &goimap.SelectOptions{ReadOnly: true}).Wait()
	}
	sess.selected, sess.selector = "", nil
	return err
}

// dropSelecting closes the idle connections but one that have folder
// name selected, so that no connection holds a folder being deleted.
func (s *Store) dropSelecting(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.idle[:0]
	for i, sess := range s.idle {
		if sess.selected == name && i < len(s.idle)-1 {
			sess.c.Close()
			continue
		}
		kept = append(kept, sess)
	}
	s.idle = kept
}

// Close logs out of every connection, all at once: over a link each
// LOGOUT costs a round trip, and a pool of four logged out one after the
// other added three (doc/design/wan.md, "Logging out at once"). It
// waits for each answer (or the connection's end) for at most
// logoutWait from the start.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	all := s.all
	s.all, s.idle = nil, nil
	s.wakeLocked()
	s.mu.Unlock()
	var wg sync.WaitGroup
	waited, stop := context.WithTimeout(context.Background(), logoutWait)
	defer stop()
	for _, sess := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := make(chan struct{})
			go func() {
				sess.c.Logout().Wait()
				close(done)
			}()
			select {
			case <-done:
			case <-sess.c.Closed():
			case <-waited.Done():
			}
			sess.c.Close()
		}()
	}
	wg.Wait()
	return nil
}

// logoutWait bounds how long Close waits for the answers to its LOGOUTs.
const logoutWait = 5 * time.Second
