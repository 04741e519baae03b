package imap

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// Messages lists the folder, never with a round trip per message and
// never with a body. Without a header cache (or with an empty one) it is
// one pipelined UID FETCH 1:* of UID, FLAGS, INTERNALDATE, RFC822.SIZE
// and the header fields. With one it is UID FETCH 1:* (UID FLAGS), then
// the rest only for the UIDs the cache does not know; flags always come
// from the server. The cache is written back only by a read-write
// session (a dry run writes nothing).
//
// Only the messages the folder holds are listed: an answer for a sequence
// number beyond its EXISTS count is ignored (a ghost). A message whose
// header fields exceed headerMax is left out: Messages then returns the
// others with a *store.SkippedError (doc/design/trust-memory.md). A
// message whose -m sender column shows a From address without a domain
// gets the server's form of it (envelope.go).
func (m *Mailbox) Messages(ctx context.Context) ([]store.Message, error) {
	var out []store.Message
	var cache *hdrcache.Cache
	next := m.takeAhead()
	var err error
	if r := m.lent; r != nil && !r.taken {
		out, cache, err = m.listTaken(ctx, r)
	} else {
		err = m.run(ctx, func() error {
			var err error
			m.skipped = nil
			out, cache, err = m.listSelected(next)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("fetch message list of %s: %w", m.name, err)
	}
	m.sizes = make(map[uint64]int64, len(out))
	for _, msg := range out {
		m.sizes[msg.Key] = msg.Size
	}
	if m.mode == store.ReadWrite {
		cache.Save(true) // the cache only saves time: a failure changes nothing else
		m.keepFlags(out)
	}
	if len(m.skipped) > 0 {
		return out, &store.SkippedError{Left: m.skipped}
	}
	return out, nil
}

// headerSection is BODY.PEEK[HEADER.FIELDS (...)] of the fields message
// identity and -m need.
var headerSection = &goimap.FetchItemBodySection{
	Specifier:    goimap.PartSpecifierHeader,
	HeaderFields: store.HeaderFields(),
	Peek:         true,
}

// describeOptions is what the header cache keeps: everything but the
// flags.
var describeOptions = &goimap.FetchOptions{
	UID: true, InternalDate: true, RFC822Size: true,
	BodySection: []*goimap.FetchItemBodySection{headerSection},
}

var allUIDs = goimap.UIDSet{goimap.UIDRange{Start: 1, Stop: 0}}

// listAll lists the folder with one UID FETCH 1:* of everything and
// records what it learns in cache (nil: none). cmd is that command when
// it was sent already (ahead.go), else nil.
func (m *Mailbox) listAll(cache *hdrcache.Cache, cmd *imapclient.FetchCommand) ([]store.Message, error) {
	var out []store.Message
	var seqs []uint32
	m.skipped, m.strays = nil, 0
	inBox := m.inBox()
	if cmd == nil {
		cmd = m.sess.c.Fetch(allUIDs, listAllOptions())
	}
	err := m.eachListed(cmd, inBox, func(l *listedMsg) {
		if l.skip != nil {
			m.skipped = append(m.skipped, *l.skip)
			return
		}
		if l.header == nil {
			m.strays++ // an answer without the items asked for (detach.go)
		}
		sm := l.message()
		remember(cache, sm)
		out = append(out, sm)
		seqs = append(seqs, l.seq)
	})
	if err != nil {
		return nil, err
	}
	sort.Sort(bySeq{out, seqs})
	return out, nil
}

// errIncomplete: a message listed by UID FETCH 1:* (UID FLAGS) was not in
// the answer for its header.
var errIncomplete = errors.New("a message vanished during the listing")

// listCached lists the folder with UID FETCH 1:* (UID FLAGS), takes size,
// date and header from cache and fetches them for the UIDs it lacks. cmd
// is the UID FETCH when it was sent already (ahead.go), else nil. fresh
// are the UIDs whose description was fetched (not found in cache); empty,
// not nil, when every one was cached (envelopeSenders).
//
// newer, when not nil, holds the UID FETCH of size, date and header of
// the messages above the cache's newest, sent behind cmd (ahead.go): it
// is read first (and set to nil), and only what it lacks is fetched.
func (m *Mailbox) listCached(cache *hdrcache.Cache, cmd *imapclient.FetchCommand, newer **imapclient.FetchCommand) (_ []store.Message, fresh map[uint64]bool, _ error) {
	if cmd == nil {
		cmd = m.sess.c.Fetch(allUIDs, &goimap.FetchOptions{UID: true, Flags: true})
	}
	return m.listCachedFrom(cache, m.fetchedFlags(cmd), newer)
}

// listCachedFrom is listCached with the flags from flags (flagsince.go).
func (m *Mailbox) listCachedFrom(cache *hdrcache.Cache, flags flagSource, newer **imapclient.FetchCommand) (_ []store.Message, fresh map[uint64]bool, _ error) {
	fresh = map[uint64]bool{}
	var out []store.Message
	var seqs []uint32
	var missing goimap.UIDSet
	want := map[uint64]int{} // UID → index in out, for the messages not cached
	m.skipped = nil
	inBox := m.inBox()
	onFlags := func(l *listedMsg) {
		key := l.uid
		sm := store.Message{Key: key, Flags: fromIMAP(l.flags), Keywords: keywordsOf(l.flags)}
		if e, ok := cache.Get(cacheKey(key)); ok {
			sm.Size, sm.InternalDate, sm.Header = e.Size, e.Date, e.Header
		} else {
			missing.AddNum(goimap.UID(key))
			want[key] = len(out)
			fresh[key] = true
		}
		out = append(out, sm)
		seqs = append(seqs, l.seq)
	}
	skip := map[int]bool{}
	if newer == nil || *newer == nil {
		if _, err := flags(inBox, onFlags, nil); err != nil {
			return nil, nil, err
		}
	} else {
		n := *newer
		*newer = nil
		described, err := flags(inBox, onFlags, n)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range described {
			if _, ok := want[l.uid]; ok {
				m.describeOne(l, want, out, cache, skip)
			}
		}
		missing = goimap.UIDSet{}
		for _, uid := range slices.Sorted(maps.Keys(want)) {
			missing.AddNum(goimap.UID(uid))
		}
	}
	if len(want) > 0 {
		more, err := m.describe(missing, want, out, cache)
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(skip, more)
	}
	out, seqs = without(out, seqs, skip)
	sort.Sort(bySeq{out, seqs})
	return out, fresh, nil
}

// without returns msgs and seqs without the entries at the indexes in skip.
func without(msgs []store.Message, seqs []uint32, skip map[int]bool) ([]store.Message, []uint32) {
	if len(skip) == 0 {
		return msgs, seqs
	}
	var m2 []store.Message
	var s2 []uint32
	for i := range msgs {
		if !skip[i] {
			m2, s2 = append(m2, msgs[i]), append(s2, seqs[i])
		}
	}
	return m2, s2
}

// describe fetches size, date and header of the messages in want (UID →
// index in out) into out and cache, and returns the indexes of those left
// out (header too large: m.skipped says why). errIncomplete when one is
// missing from the answer or the server refuses the command (a message
// vanished; a server may then still send its flags, without header).
func (m *Mailbox) describe(uids goimap.UIDSet, want map[uint64]int, out []store.Message, cache *hdrcache.Cache) (map[int]bool, error) {
	skip := map[int]bool{}
	err := m.describeWith(m.sess.c.Fetch(uids, describeOptions), want, out, cache, skip)
	if err != nil {
		return nil, err
	}
	if len(want) > 0 {
		return nil, errIncomplete
	}
	return skip, nil
}

// describeWith is describe with the UID FETCH of size, date and header
// sent (cmd): it fills in what the answer has of the messages in want,
// removes them from want, and adds the indexes left out to skip. Messages
// it does not answer stay in want.
func (m *Mailbox) describeWith(cmd *imapclient.FetchCommand, want map[uint64]int, out []store.Message, cache *hdrcache.Cache, skip map[int]bool) error {
	asked := func(_ uint32, uid uint64) bool { _, ok := want[uid]; return ok }
	err := m.eachListed(cmd, asked, func(l *listedMsg) {
		m.describeOne(l, want, out, cache, skip)
	})
	var ie *goimap.Error
	if errors.As(err, &ie) && !m.broken {
		return errIncomplete
	}
	return err
}

// describeOne fills in message l, one of want, from its description.
func (m *Mailbox) describeOne(l *listedMsg, want map[uint64]int, out []store.Message, cache *hdrcache.Cache, skip map[int]bool) {
	i := want[l.uid]
	if l.skip != nil {
		delete(want, l.uid)
		m.skipped = append(m.skipped, *l.skip)
		skip[i] = true
		return
	}
	if l.header == nil {
		return // a flag change of another client
	}
	delete(want, l.uid)
	sm := &out[i]
	sm.Size, sm.InternalDate, sm.Header = l.size, l.date, l.header
	remember(cache, *sm)
}

// remember records a listed message in cache. The cache keeps dates in
// whole seconds with their zone offset (the zone shows in mbox From_
// lines and the -m listing).
func remember(cache *hdrcache.Cache, sm store.Message) {
	d := sm.InternalDate
	if d.IsZero() || d.Nanosecond() != 0 || sm.Header == nil {
		return
	}
	cache.Put(cacheKey(sm.Key), hdrcache.Entry{Size: sm.Size, Date: sm.InternalDate, Header: sm.Header})
}

func cacheKey(uid uint64) string { return strconv.FormatUint(uid, 10) }

// headerCache opens the folder's header cache: nil without a cache
// directory, without a UIDVALIDITY or without a known user name. Its
// identity is the server, the user, the folder and its UIDVALIDITY: a
// new UIDVALIDITY starts a new cache, and UIDs are never reused within
// one.
func (m *Mailbox) headerCache() *hdrcache.Cache {
	m.st.mu.Lock()
	user := m.st.user
	m.st.mu.Unlock()
	if m.st.opt.CacheDir == "" || m.uidValidity == 0 || user == "" {
		return nil
	}
	return hdrcache.Open(m.st.opt.CacheDir, m.st.cacheIdentity(user, m.name, m.uidValidity))
}

type bySeq struct {
	msgs []store.Message
	seqs []uint32
}

func (b bySeq) Len() int           { return len(b.msgs) }
func (b bySeq) Less(i, j int) bool { return b.seqs[i] < b.seqs[j] }
func (b bySeq) Swap(i, j int) {
	b.msgs[i], b.msgs[j] = b.msgs[j], b.msgs[i]
	b.seqs[i], b.seqs[j] = b.seqs[j], b.seqs[i]
}

// listSelected is Messages on the folder selected on the mailbox's
// connection: with the listing sent ahead (next), else as Messages says.
func (m *Mailbox) listSelected(next *ahead) ([]store.Message, *hdrcache.Cache, error) {
	if next != nil {
		return m.listAhead(next)
	}
	if m.appended { // doc comment of Mailbox.appended
		if err := m.sess.c.Noop().Wait(); err != nil {
			return nil, nil, err
		}
		m.appended = false
	}
	if mb := m.sess.c.Mailbox(); mb != nil && mb.NumMessages == 0 {
		return nil, nil, nil
	}
	cache := m.headerCache()
	if cache.Len() > 0 {
		out, fresh, err := m.listCached(cache, nil, nil)
		if err == nil {
			return out, cache, m.envelopeSenders(out, cache, fresh)
		}
		if !errors.Is(err, errIncomplete) {
			return nil, cache, err
		}
		// A message vanished between the two commands: list
		// everything in one command, a consistent snapshot.
	}
	out, err := m.listAll(cache, nil)
	if err != nil {
		return nil, cache, err
	}
	return out, cache, m.envelopeSenders(out, cache, nil)
}

// listTaken is Messages on a lent mailbox (detach.go): the listing read
// in flight, once; the ENVELOPE fetch, which the folder's messages
// rarely need, owns the mailbox first.
func (m *Mailbox) listTaken(ctx context.Context, r *lentRead) ([]store.Message, *hdrcache.Cache, error) {
	select {
	case <-r.listed:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err() // the listing ended with the connection the context closed
	}
	r.taken = true
	out, cache, err := r.out, r.cache, r.err
	r.out = nil
	if errors.Is(err, errStray) || errors.Is(err, errIncomplete) {
		// Listed again, on a connection of its own.
		err = m.run(ctx, func() error {
			var err error
			out, cache, err = m.listSelected(nil)
			return err
		})
		return out, cache, err
	}
	if err == nil && len(domainless(out, nil)) > 0 {
		err = m.run(ctx, func() error { return m.envelopeSenders(out, cache, nil) })
	}
	return out, cache, err
}
