package imap

import (
	"context"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// Folders listed in flight by their changed flags (doc/design/wan.md,
// "Folders listed by their changed flags, in flight"). A folder opened
// read-only (a dry run, diff mode, a /readonly server) and read again,
// whose header cache holds every message up to the UIDNEXT the LIST
// told and whose flag cache has a MODSEQ no newer than the LIST's
// HIGHESTMODSEQ, is listed by the two commands of flagsince.go and
// nothing else: the UID SEARCH of its UIDs and the UID FETCH of the flags
// changed since. Once they are sent its listing needs nothing more of the
// connection, as a folder copied whole (detach.go): Open sends its SELECT
// and the two, lends the connection to the next folder at once, and reads
// the answers in a goroutine. Such folders are so listed back to back on
// one connection, without a round trip (and, on a small machine, without
// a login and a server process) each.
//
// Only read-only: a folder the sync writes to (flags set, messages
// appended or deleted) must first be selected again on a connection of
// its own (Mailbox.own), a round trip that the listing in flight saved
// only when no connection was free. Lent read-write, the 1% re-sync of
// make bench-wan (50 ms) took 115 round trips instead of 94 (2.09 s
// against 1.77 s), and the loopback flag sync gained 7% at most.
//
// What is read is used only when it is whole and the folder's own:
//   - a UID the header cache lacks (new mail after the LIST), a refusal,
//     or a UIDVALIDITY other than the one the caches are for: the folder
//     is listed again on a connection of its own (errIncomplete);
//   - an answer without the items asked for, or any listing behind one
//     that had one (errStray, lentRead.finish): the same.

// openLentSince opens folder name as a lent mailbox listed by its flags
// changed since the flag cache's MODSEQ; nil, nil when it may not be, and
// the caller opens it as usual.
func (s *Store) openLentSince(ctx context.Context, name string, mode store.Mode, c folderCaches) (*Mailbox, error) {
	status, cache, fc := c.status, c.header, c.flags
	if mode != store.ReadOnly || s.trace != nil || fc == nil || status.uidNext <= 1 || cachedBelow(cache, status.uidNext) != status.uidNext-1 {
		return nil, nil // no flag cache, or new mail: Open describes it
	}
	sess, err := s.takeLent(ctx)
	if err != nil {
		return nil, nil // Open fails as usual
	}
	if !canListSince(sess.c.Caps()) {
		s.giveLent(sess)
		return nil, nil
	}
	stop := sess.bindContext(ctx)
	m := &Mailbox{st: s, sess: sess, name: name, mode: mode}
	sel := sess.sendSelect(name, mode, m)
	since := sendSince(sess, fc)
	r := newLentRead(sess)
	s.giveLent(sess) // the next folder may be sent for behind this one
	data, err := sel.Wait()
	if err != nil {
		since.drop() // refused with the SELECT: no folder is selected
		r.finish()
		stop()
		return nil, err
	}
	m.count, m.uidValidity, m.lent = data.NumMessages, data.UIDValidity, r
	m.modSeq, m.keywords = s.listedModSeq(name, data.UIDValidity), keepsKeywords(data)
	go func() {
		defer stop() // the connection is watched until the answers are in
		defer r.finish()
		r.cache = cache
		if data.UIDValidity != status.validity {
			since.drop() // the caches are another folder's of that name
			r.cache, r.err = m.headerCache(), errIncomplete
			return
		}
		r.out, r.err = m.listLentSince(since, cache)
	}()
	s.prove()
	return m, nil
}

// listLentSince reads the listing of a folder lent by openLentSince: the
// cached descriptions with the flags changed since, or the cached ones.
func (m *Mailbox) listLentSince(since *sinceAhead, cache *hdrcache.Cache) ([]store.Message, error) {
	var out []store.Message
	missing := false
	_, err := m.flagsSince(since)(m.inBox(), func(l *listedMsg) {
		e, ok := cache.Get(cacheKey(l.uid))
		if !ok {
			missing = true
			return
		}
		out = append(out, store.Message{Key: l.uid, Flags: fromIMAP(l.flags), Keywords: keywordsOf(l.flags), Size: e.Size, InternalDate: e.Date, Header: e.Header})
	}, nil)
	if err == nil && missing {
		err = errIncomplete
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
