package imap

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// Folders read without holding a connection (doc/design/wan.md, "Several
// folders on one connection"). A folder the sync engine copies whole
// (OpenWhole), small enough for its bodies to be sent for ahead
// (bodiesahead.go) and without a header cache to use, needs nothing of
// its connection once its SELECT, its whole listing and its bodies are
// sent: everything it will read is in their answers. Open sends the
// three, hands the connection back to the pool at once, and reads the
// answers in goroutines as they arrive. The next folder's SELECT then
// goes out on the same connection right behind them, without waiting for
// them: the server answers one command after the other, and a SELECT
// closes the folder selected before without expunging (as Close always
// leaves a folder). Several folders are so in flight on one connection,
// and the sync engine works on more folders than the store has
// connections (BoxesAtOnce).
//
// Such a mailbox is lent: its connection works for others. Open still
// waits for the SELECT's answer and fails as it always did. Messages
// and FetchEach take what was read; anything else that needs the
// folder (a message fetched again, a flag set, an ENVELOPE for a sender
// without a domain) first selects it again on a connection of its own
// (own), one round trip, and fails if its UIDVALIDITY changed.
//
// What is read in flight is bounded: the folders lent at once hold at
// most lentBudget bytes of listed size (each folder at most
// wholeAheadBytes, as before); a folder beyond it is opened as any other.

// lentBudget bounds the listed sizes of the folders read in flight at
// once.
const lentBudget = 64 << 20

// lentPerConnection is how much listed size of lent folders a connection
// carries before a further one is opened for the next (when the pool may
// grow): below it, the next folder's commands behind the others cost no
// round trip, where a new connection costs several (connect, greeting,
// login) and the server's answers would come no sooner.
const lentPerConnection = wholeAheadBytes

// boxesPerConnection is how many folders the sync engine may work on at
// once per connection when folders can be lent (BoxesAtOnce).
const boxesPerConnection = 8

// lentRead is the reading of a lent mailbox's answers.
type lentRead struct {
	listed chan struct{} // closed when the listing has been read
	out    []store.Message
	cache  *hdrcache.Cache
	err    error
	taken  bool // Messages took the listing
	// prev is the lent listing sent before this one on the connection
	// and still being read when this one was sent; suspect: this
	// listing, or one before it, took an answer that was not its own
	// (finish).
	prev    *lentRead
	suspect bool
}

// newLentRead starts the reading of a lent listing sent on sess (which
// is taken: no other command is being sent).
func newLentRead(sess *session) *lentRead {
	r := &lentRead{listed: make(chan struct{})}
	if p := sess.tail; p != nil && !p.done() {
		r.prev = p
	}
	sess.tail = r
	return r
}

// done reports whether the listing has been read.
func (r *lentRead) done() bool {
	select {
	case <-r.listed:
		return true
	default:
		return false
	}
}

// finish ends the reading, once the listing before it on the connection
// is read. go-imap gives a FETCH answer to the first pending command
// that asked for its UID and has not had it: a listing that took a
// stray answer (errStray) pushes its own answer for that UID on to the
// next listing, which may not tell it from one of its own (a flags
// listing of another folder has the same items). So a listing behind a
// suspect one is not used either: Messages lists its folder again.
func (r *lentRead) finish() {
	if p := r.prev; p != nil {
		<-p.listed
		r.prev = nil
		if p.suspect {
			r.suspect = true
			if r.err == nil {
				r.out, r.err = nil, errStray
			}
		}
	}
	if errors.Is(r.err, errStray) {
		r.suspect = true
	}
	close(r.listed)
}

// BoxesAtOnce is how many folders are worth working on at once: with
// folders that may be lent, several per connection, else one per
// connection. The sync engine asks it for a run that copies folders
// whole.
func (s *Store) BoxesAtOnce() int {
	n := s.Connections()
	if s.trace != nil {
		return n
	}
	s.mu.Lock()
	gathered := len(s.validity) > 0
	s.mu.Unlock()
	if !gathered {
		return n
	}
	return n * boxesPerConnection
}

// reserveLent reserves the listed size of a folder with caches c for
// reading it in flight; false when the folder may not be lent (its size
// unknown or too large, the budget spent, a header cache with entries
// for it, a protocol trace).
func (s *Store) reserveLent(c folderCaches) bool {
	status := c.status
	if s.trace != nil || c.header.Len() > 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := status.validity != 0 && status.size > 0 && status.size <= wholeAheadBytes && s.lent+status.size <= lentBudget
	if ok {
		s.lent += status.size
	}
	return ok
}

// releaseLent gives size back to the budget of folders read in flight.
func (s *Store) releaseLent(size int64) {
	s.mu.Lock()
	s.lent -= size
	s.mu.Unlock()
}

// openLent opens folder name as a lent mailbox (see above); nil, nil
// when it may not be lent, and the caller opens it as usual.
func (s *Store) openLent(ctx context.Context, name string, mode store.Mode, c folderCaches) (*Mailbox, error) {
	if !s.reserveLent(c) {
		return nil, nil
	}
	status, cache := c.status, c.header
	sess, err := s.takeLent(ctx)
	if err != nil {
		s.releaseLent(status.size)
		return nil, nil // Open fails as usual
	}
	stop := sess.bindContext(ctx)
	sess.inFlight.Add(status.size)
	m := &Mailbox{st: s, sess: sess, name: name, mode: mode}
	sel := sess.sendSelect(name, mode, m)
	list := sess.c.Fetch(allUIDs, listAllOptions())
	bodies := sendBodies(sess, name, status.size)
	r := newLentRead(sess)
	s.giveLent(sess) // the next folder may be sent for behind this one
	data, err := sel.Wait()
	m.bodies = bodies
	m.release = func() { <-bodies.done; s.releaseLent(status.size) }
	if err == nil {
		m.count, m.uidValidity, m.lent = data.NumMessages, data.UIDValidity, r
		m.modSeq, m.keywords = s.listedModSeq(name, data.UIDValidity), keepsKeywords(data)
		if cache == nil || data.UIDValidity != status.validity {
			cache = m.headerCache()
		}
		go func() {
			defer r.finish()
			r.cache = cache
			r.out, r.err = m.listLent(list, cache)
		}()
	} else {
		list.Close() // refused with the SELECT: no folder is selected
		r.finish()
	}
	go func() { // the connection is watched until the last answer is in
		<-r.listed
		<-bodies.done
		sess.inFlight.Add(-status.size)
		stop()
	}()
	if err == nil {
		s.prove()
		return m, nil
	}
	go m.release()
	return nil, err
}

// listLent reads the listing of a lent mailbox: listAhead's work without
// the ENVELOPE fetch, which needs the folder selected (Messages sends it
// once the mailbox is owned).
func (m *Mailbox) listLent(cmd *imapclient.FetchCommand, cache *hdrcache.Cache) ([]store.Message, error) {
	out, err := m.listAll(cache, cmd)
	if err == nil && m.strays > 0 {
		return nil, errStray
	}
	if m.emptyRefusal(err) {
		return nil, nil
	}
	return out, err
}

// own makes sure the mailbox has its folder selected on a connection of
// its own: a lent mailbox selects it again on one taken from the pool,
// once its listing is read. A changed UIDVALIDITY fails: the keys listed
// are not the folder's any more.
func (m *Mailbox) own(ctx context.Context) error {
	r := m.lent
	if r == nil {
		return nil
	}
	select {
	case <-r.listed:
	case <-ctx.Done():
		return ctx.Err() // still lent: Close waits for the listing
	}
	m.lent = nil
	m.sess = nil
	sess, err := m.st.take(ctx)
	if err != nil {
		m.broken = true // and without a connection: Close gives none back
		m.dropped = err
		return err
	}
	if sess.selector == m && !r.suspect {
		// Nothing was sent on the connection since this mailbox's
		// commands: its folder is still selected, and its listing,
		// read, was the last answer (but for its bodies).
		m.sess = sess
		return nil
	}
	stop := sess.bindContext(ctx)
	data, err := sess.sendSelect(m.name, m.mode, m).Wait()
	cut := !stop()
	if err == nil && data.UIDValidity != m.uidValidity {
		err = errValidityChanged
	}
	m.sess = sess // Close gives it back (closed, when broken)
	if err != nil || cut {
		m.broken = true
		if cut && ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			err = sess.lost()
		}
		m.dropped = fmt.Errorf("select %s again: %s", m.name, errText(err))
		return m.dropped
	}
	m.count = data.NumMessages
	return nil
}

// errStray: a lent folder's listing got an answer without the items it
// asked for. go-imap gives an answer to the first pending command that
// asked for its UID and has not had it: an unsolicited FETCH about the
// folder before (a flag changed by another client) can so reach the
// listing of the next folder on the connection, and that folder's own
// answer for the UID goes on to a later command. Such a listing is not
// used: Messages lists the folder again on a connection of its own.
var errStray = errors.New("an answer without the items asked for came in the listing")

// errValidityChanged: a lent folder selected again has another
// UIDVALIDITY.
var errValidityChanged = errors.New("its UIDVALIDITY changed during the sync")
