package imap

import (
	"errors"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// The listing sent ahead (doc/design/wan.md, "Several folders at
// once"): Open sends the UID FETCH that lists the folder right behind its
// SELECT, without waiting for the SELECT's answer, so opening and
// listing a folder cost one round trip, not two. The sync engine lists
// every folder it opens at once (Messages); what it would not read is
// read and dropped before the next command on the connection (settle).
//
// Which listing is sent is a guess made before the folder's UIDVALIDITY
// is known: the one Messages would choose for the UIDVALIDITY the last
// LIST gave (LIST-STATUS, or the STATUS commands sent right behind a
// LIST on a server without it: Store.statusAll; without either nothing is
// sent ahead, as nothing gives the UIDVALIDITY before the SELECT's answer):
// UID FETCH 1:* (UID FLAGS) when the folder's
// header cache has entries for it, else the whole listing. A wrong guess
// costs time, never correctness: the whole listing is what Messages
// would send anyway, and a flags listing whose UIDs the cache lacks is
// completed by Messages as usual (listCached).
//
// With a flags listing, the messages that came since the cache was last
// filled are described ahead too: UID FETCH N+1:* of size, date and
// header, where N is the newest UID the cache holds (found by looking
// down from the UIDNEXT the LIST gave). New messages get UIDs above every
// earlier one, so what the cache lacks is in that answer, and a folder
// with new mail is listed in one round trip too; anything it lacks all
// the same is fetched as usual. Nothing more is sent when UIDNEXT says
// no message came.
//
// Nothing is sent ahead under a protocol trace (-di, /debug), whose order
// stays that of one command after the other.

// ahead is a listing sent behind the SELECT.
type ahead struct {
	cmd *imapclient.FetchCommand
	// cache is the header cache the guess was made with, validity the
	// UIDVALIDITY it was opened for; cache is nil for a whole listing
	// sent without one.
	cache    *hdrcache.Cache
	validity uint32
	// flagsOnly: UID FETCH 1:* (UID FLAGS), else the whole listing.
	flagsOnly bool
	// newer describes the messages above the cache's newest UID,
	// behind a flags listing; nil when not sent, or once read.
	newer *imapclient.FetchCommand
	// bodies are the folder's bodies, sent for behind the listing
	// (bodiesahead.go); nil when not.
	bodies *bodiesAhead
	// since, when not nil, is the flags listing instead of cmd: the
	// flags changed since the flag cache's MODSEQ (flagsince.go).
	since *sinceAhead
}

// newestLook is how far below UIDNEXT sendAhead looks for the newest UID
// the header cache holds.
const newestLook = 256

// sendAhead sends the listing of folder name behind its SELECT on sess;
// nil when nothing is sent. whole: the bodies may be sent for too
// (bodiesahead.go).
func (s *Store) sendAhead(sess *session, name string, c folderCaches, whole bool) *ahead {
	status := c.status
	if s.trace != nil || status.validity == 0 {
		return nil // not listed with LIST-STATUS: nothing to guess from
	}
	a := &ahead{validity: status.validity, cache: c.header, flagsOnly: c.header.Len() > 0}
	opt := &goimap.FetchOptions{UID: true, Flags: true}
	if !a.flagsOnly {
		opt = listAllOptions()
	}
	// Not beside the bodies: go-imap gives a FETCH answer to the first
	// pending command that asked for its UID and has not had it, and the
	// CHANGEDSINCE FETCH, which has no answer for an unchanged message,
	// would take that message's body (flagsince.go).
	if a.flagsOnly && !whole && c.flags != nil && canListSince(sess.c.Caps()) {
		a.since = sendSince(sess, c.flags)
	}
	if a.since == nil {
		a.cmd = sess.c.Fetch(allUIDs, opt)
	}
	if a.flagsOnly && status.uidNext > 1 {
		if newest := cachedBelow(a.cache, status.uidNext); newest > 0 && newest < status.uidNext-1 {
			a.newer = sess.c.Fetch(goimap.UIDSet{goimap.UIDRange{Start: goimap.UID(newest + 1)}}, describeOptions)
		}
	}
	if whole && status.size > 0 && status.size <= wholeAheadBytes {
		a.bodies = sendBodies(sess, name, status.size)
	}
	return a
}

// folderCaches is what the last LIST told of a folder and the caches
// kept for it under the UIDVALIDITY it told, read once per Open.
type folderCaches struct {
	status listStatus
	// header is the header cache; nil without a cache directory, a
	// known user or a listed UIDVALIDITY.
	header *hdrcache.Cache
	// flags is the flag cache (flagsince.go) when the header cache has
	// entries and its MODSEQ is no newer than the LIST's; else nil.
	flags *flagCache
}

// cachesOf reads the caches of folder name (none under a protocol
// trace, which sends nothing ahead and lends nothing); the flag cache
// only with flags (a folder copied whole is not listed by its changed
// flags).
func (s *Store) cachesOf(name string, flags bool) folderCaches {
	s.mu.Lock()
	status, user := s.validity[name], s.user
	s.mu.Unlock()
	c := folderCaches{status: status}
	if s.trace != nil || status.validity == 0 || s.opt.CacheDir == "" || user == "" {
		return c
	}
	id := s.cacheIdentity(user, name, status.validity)
	c.header = hdrcache.Open(s.opt.CacheDir, id)
	if flags && c.header.Len() > 0 && status.modSeq > 0 {
		if fc := loadFlagCache(s.opt.CacheDir, id); fc != nil && fc.modSeq <= status.modSeq {
			c.flags = fc
		}
	}
	return c
}

// cachedBelow is the highest UID below uidNext (at most newestLook
// below) that cache holds; 0 when it holds none of them.
func cachedBelow(cache *hdrcache.Cache, uidNext uint32) uint32 {
	for uid := uidNext - 1; uid > 0 && uidNext-uid <= newestLook; uid-- {
		if _, ok := cache.Get(cacheKey(uint64(uid))); ok {
			return uid
		}
	}
	return 0
}

// listStatus is what the last LIST told of a folder (LIST-STATUS).
type listStatus struct {
	validity, uidNext uint32
	size              int64  // its messages' octets, 0 when not told
	modSeq            uint64 // its HIGHESTMODSEQ, 0 when not told
}

// listAllOptions are the items of the whole listing.
func listAllOptions() *goimap.FetchOptions {
	opt := *describeOptions
	opt.Flags = true
	return &opt
}

// cacheIdentity is the identity of the header cache of folder name under
// UIDVALIDITY validity.
func (s *Store) cacheIdentity(user, name string, validity uint32) string {
	return fmt.Sprintf("imap %s user=%q authuser=%q folder=%q uidvalidity=%d",
		s.srv.Address(), user, s.srv.AuthUser, name, validity)
}

// takeAhead returns the listing sent ahead, once; nil when none is
// pending.
func (m *Mailbox) takeAhead() *ahead {
	a := m.ahead
	m.ahead = nil
	return a
}

// settle reads and drops the answer of a listing sent ahead that
// Messages did not take: go-imap hands a command's answer to its reader
// only, so an unread one would stop every later answer on the
// connection.
func (m *Mailbox) settle() {
	a := m.takeAhead()
	if a == nil {
		return
	}
	first := func() {
		if a.since != nil {
			a.since.drop()
		} else {
			a.cmd.Close()
		}
	}
	if a.newer == nil {
		first()
		return
	}
	done := make(chan struct{})
	go func() { // both at once: beside.go
		first()
		close(done)
	}()
	a.newer.Close()
	<-done
}

// listAhead is Messages with the listing a sent ahead: it returns the
// messages and the header cache they were listed with.
func (m *Mailbox) listAhead(a *ahead) ([]store.Message, *hdrcache.Cache, error) {
	cache := a.cache
	if cache == nil || a.validity != m.uidValidity {
		cache = m.headerCache()
	}
	var out []store.Message
	var fresh map[uint64]bool
	var err error
	if a.since != nil && a.validity != m.uidValidity {
		// The flag cache was another folder's: the flags are read whole.
		a.since.drop()
		a.since, a.cmd = nil, m.sess.c.Fetch(allUIDs, &goimap.FetchOptions{UID: true, Flags: true})
	}
	if a.flagsOnly {
		flags := m.fetchedFlags(a.cmd)
		if a.since != nil {
			flags = m.flagsSince(a.since)
		}
		out, fresh, err = m.listCachedFrom(cache, flags, &a.newer)
		if errors.Is(err, errIncomplete) || errors.Is(err, errStray) {
			// A message vanished between the two commands, or an
			// answer was not the listing's: list everything in one
			// command, a consistent snapshot.
			fresh = nil
			out, err = m.listAll(cache, nil)
		}
	} else {
		out, err = m.listAll(cache, a.cmd)
	}
	if m.emptyRefusal(err) {
		return nil, cache, nil
	}
	if err != nil {
		return nil, cache, err
	}
	return out, cache, m.envelopeSenders(out, cache, fresh)
}

// emptyRefusal says whether err, a listing's outcome, is a server's
// refusal of 1:* in a folder that selected as empty: an empty listing,
// not a failure.
func (m *Mailbox) emptyRefusal(err error) bool {
	var ie *goimap.Error
	return err != nil && m.count == 0 && !m.broken && errors.As(err, &ie)
}
