package imap

import (
	"encoding/binary"
	"errors"
	"slices"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/cachefile"
	"github.com/mailsync/mailsync/internal/store"
)

// Flags listed since the last run (doc/design/flags.md, "Speed"). A
// folder read again whose header cache knows its messages was listed with
// UID FETCH 1:* (UID FLAGS): every message's flags, every time, though a
// flag sync changes a few. On a server with CONDSTORE and ESEARCH, the
// store keeps beside the header cache a flag cache: every message's flags
// as the last listing saw them, with the folder's HIGHESTMODSEQ the LIST
// told before that listing's SELECT. The listing sent ahead is then
//
//	UID SEARCH RETURN (ALL) ALL                     every UID, as ranges
//	UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE M)      what changed since M
//
// and a message's flags are the changed ones, else the cached ones. That
// is exact: a message whose flags changed after M (also between the LIST
// and the listing, and by this run's own UID STORE) has a MODSEQ above M
// and is in the answer; one that is not has kept the flags it had before
// the last listing, which saw them. Expunged messages are not in the
// SEARCH; new ones have a MODSEQ above M. A server that loses its MODSEQs
// must change the folder's UIDVALIDITY (RFC 7162, 3.1.2.2), which is part
// of the cache's identity, so the cache is not used across it.
//
// The CHANGEDSINCE FETCH asks for RFC822.SIZE too, which it does not
// need: an unsolicited FETCH (a flag another client changed) carries
// FLAGS, UID and MODSEQ, never RFC822.SIZE, so an answer without it is
// not this command's (go-imap gives an answer to the first pending
// command that asked for its UID: behind another folder's commands, that
// may be this one; detach.go). Such a listing is errStray, and is not
// used.
//
// It is not sent beside another UID FETCH 1:* whose answers the server
// sends for every message (the bodies of a folder copied whole,
// bodiesahead.go): go-imap gives a FETCH answer to the first pending
// command that asked for its UID and has not had it, which for an
// unchanged message is the CHANGEDSINCE FETCH (found by the migration
// tests: the bodies' answers were taken for flag changes, and the copies
// lost their flags).
//
// A UID the cache lacks that did not change, a refusal of either command,
// or an answer for the wrong command make the listing fall back to the
// whole flags listing (errIncomplete): slower, never wrong. A missing or
// damaged cache file is no cache (package cachefile).

// flagCacheKind starts every flag cache file; the digit is the format
// version (2: each message's keywords too; a version 1 cache is no
// cache, and the first listing writes it anew).
const flagCacheKind = "mailsync flag cache 2"

// flagCache is a folder's flags as a listing saw them.
type flagCache struct {
	modSeq uint64 // the folder's HIGHESTMODSEQ before that listing
	flags  map[uint64]cachedFlags
}

// cachedFlags are one message's flags and keywords in the flag cache.
type cachedFlags struct {
	flags    store.Flags
	keywords store.Keywords
}

// imapFlags returns c as the FLAGS of a listing.
func (c cachedFlags) imapFlags() []goimap.Flag { return withKeywords(c.flags, c.keywords) }

// flagIdentity is the identity of the flag cache of the folder whose
// header cache has identity id.
func flagIdentity(id string) string { return "flags of " + id }

// loadFlagCache reads the flag cache of identity from dir; nil when there
// is none (or it is damaged).
func loadFlagCache(dir, identity string) *flagCache {
	p, ok := cachefile.Read(dir, flagCacheKind, flagIdentity(identity))
	if !ok {
		return nil
	}
	modSeq, k := binary.Uvarint(p)
	n, k2 := binary.Uvarint(p[max(k, 0):])
	if k <= 0 || k2 <= 0 || modSeq == 0 || n > uint64(len(p)) {
		return nil
	}
	p = p[k+k2:]
	c := &flagCache{modSeq: modSeq, flags: make(map[uint64]cachedFlags, n)}
	var uid uint64
	for range n {
		d, k := binary.Uvarint(p)
		if k <= 0 || len(p) <= k {
			return nil
		}
		uid += d
		f := cachedFlags{flags: store.Flags(p[k])}
		p = p[k+1:]
		size, k := binary.Uvarint(p)
		if k <= 0 || size > uint64(len(p)-k) {
			return nil
		}
		if size > 0 {
			f.keywords = store.Keywords(p[k : k+int(size)])
			if !f.keywords.Canonical() {
				return nil // not as a listing gives them
			}
		}
		c.flags[uid] = f
		p = p[k+int(size):]
	}
	if len(p) != 0 {
		return nil
	}
	return c
}

// saveFlagCache writes the flags of msgs as seen after HIGHESTMODSEQ
// modSeq to the flag cache of identity in dir.
func saveFlagCache(dir, identity string, modSeq uint64, msgs []store.Message) error {
	keys := make([]uint64, 0, len(msgs))
	flags := make(map[uint64]cachedFlags, len(msgs))
	for _, m := range msgs {
		keys = append(keys, m.Key)
		flags[m.Key] = cachedFlags{m.Flags, m.Keywords}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	b := cachefile.New(flagCacheKind, flagIdentity(identity), 16+4*len(keys))
	b = binary.AppendUvarint(b, modSeq)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	var last uint64
	for _, k := range keys {
		b = binary.AppendUvarint(b, k-last)
		b = append(b, byte(flags[k].flags))
		b = binary.AppendUvarint(b, uint64(len(flags[k].keywords)))
		b = append(b, flags[k].keywords...)
		last = k
	}
	return cachefile.WriteChanged(dir, flagIdentity(identity), b) // unchanged when the folder's flags are
}

// sinceAhead is the listing of flags changed since the flag cache's
// MODSEQ, sent ahead.
type sinceAhead struct {
	cache   *flagCache
	all     *imapclient.SearchCommand
	changed *imapclient.FetchCommand
}

// sendSince sends the listing of the flags changed since cache's MODSEQ
// on sess.
func sendSince(sess *session, cache *flagCache) *sinceAhead {
	return &sinceAhead{
		cache:   cache,
		all:     sess.c.UIDSearch(&goimap.SearchCriteria{}, &goimap.SearchOptions{ReturnAll: true}),
		changed: sess.c.Fetch(allUIDs, &goimap.FetchOptions{UID: true, Flags: true, RFC822Size: true, ChangedSince: cache.modSeq}),
	}
}

// canListSince says whether the server offers what the listing since a
// MODSEQ needs.
func canListSince(caps goimap.CapSet) bool {
	return caps.Has(goimap.CapCondStore) && (caps.Has(goimap.CapESearch) || caps.Has(goimap.CapIMAP4rev2))
}

// flagSource hands every message's UID and flags to onFlags, in sequence
// order, those that inBox accepts; newer, when not nil, is read beside it
// and its messages returned (beside.go).
type flagSource func(inBox func(uint32, uint64) bool, onFlags func(*listedMsg), newer *imapclient.FetchCommand) ([]*listedMsg, error)

// fetchedFlags is the flags listing cmd (UID FETCH 1:* (UID FLAGS)).
func (m *Mailbox) fetchedFlags(cmd *imapclient.FetchCommand) flagSource {
	return func(inBox func(uint32, uint64) bool, onFlags func(*listedMsg), newer *imapclient.FetchCommand) ([]*listedMsg, error) {
		if newer == nil {
			return nil, m.eachListed(cmd, inBox, onFlags)
		}
		return m.listBeside(cmd, newer, inBox, onFlags)
	}
}

// flagsSince is the listing s: the flags that changed, the cached ones
// for the others. errIncomplete when it cannot tell every message's
// flags, or the server refused a command.
func (m *Mailbox) flagsSince(s *sinceAhead) flagSource {
	return func(inBox func(uint32, uint64) bool, onFlags func(*listedMsg), newer *imapclient.FetchCommand) ([]*listedMsg, error) {
		changed := map[uint64][]goimap.Flag{}
		strays := 0
		record := func(l *listedMsg) {
			if !l.gotFlags || !l.sized {
				strays++ // not an answer of this command (above)
				return
			}
			changed[l.uid] = l.flags
		}
		var described []*listedMsg
		var err error
		if newer == nil {
			err = m.eachListed(s.changed, func(uint32, uint64) bool { return true }, record)
		} else {
			described, err = m.listBeside(s.changed, newer, func(uint32, uint64) bool { return true }, record)
		}
		data, serr := s.all.Wait()
		var ie *goimap.Error
		if err == nil && serr != nil {
			err = serr
		}
		if errors.As(err, &ie) && !m.broken {
			return nil, errIncomplete
		}
		if err != nil {
			return nil, err
		}
		if strays > 0 {
			return nil, errStray
		}
		uids, ok := data.All.(goimap.UIDSet)
		if !ok && data.All != nil {
			return nil, errIncomplete
		}
		seq, last := uint32(0), goimap.UID(0)
		for _, r := range uids {
			if r.Start <= last {
				return nil, errIncomplete // not in ascending order: the sequence numbers are unknown
			}
			if r.Stop == 0 || r.Stop < r.Start || r.Stop-r.Start >= 1<<24 {
				return nil, errIncomplete // "*" or absurd: not a listing
			}
			last = r.Stop
			for uid := r.Start; uid <= r.Stop; uid++ {
				seq++
				l := &listedMsg{seq: seq, uid: uint64(uid)}
				if f, ok := changed[l.uid]; ok {
					l.flags = f
				} else if f, ok := s.cache.flags[l.uid]; ok {
					l.flags = f.imapFlags()
				} else {
					return nil, errIncomplete
				}
				if inBox(l.seq, l.uid) {
					onFlags(l)
				}
			}
		}
		return described, nil
	}
}

// drop reads and drops the answers of s (a listing sent ahead and not
// used).
func (s *sinceAhead) drop() {
	s.all.Wait()
	s.changed.Close()
}

// keepFlags writes the flags of the listing out to the folder's flag
// cache, with the HIGHESTMODSEQ the LIST told before the SELECT: only a
// read-write session (a dry run writes nothing), on a server that offers
// the listing since a MODSEQ.
func (m *Mailbox) keepFlags(out []store.Message) {
	if m.mode != store.ReadWrite || m.modSeq == 0 || m.sess == nil || !canListSince(m.sess.c.Caps()) {
		return
	}
	m.st.mu.Lock()
	user := m.st.user
	m.st.mu.Unlock()
	if m.st.opt.CacheDir == "" || user == "" {
		return
	}
	saveFlagCache(m.st.opt.CacheDir, m.st.cacheIdentity(user, m.name, m.uidValidity), m.modSeq, out) // a cache: a failure costs speed only
}

// listedModSeq is the HIGHESTMODSEQ the last LIST told of folder name, if
// it told the UIDVALIDITY validity with it; else 0.
func (s *Store) listedModSeq(name string, validity uint32) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.validity[name]; st.validity == validity {
		return st.modSeq
	}
	return 0
}
