package imap

import (
	"context"
	"errors"
	"fmt"
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
func (m *Mailbox) Messages(ctx context.Context) ([]store.Message, error) {
	var out []store.Message
	var cache *hdrcache.Cache
	err := m.run(ctx, func() error {
		if m.appended { // doc comment of Mailbox.appended
			if err := m.sess.c.Noop().Wait(); err != nil {
				return err
			}
			m.appended = false
		}
		if mb := m.sess.c.Mailbox(); mb != nil && mb.NumMessages == 0 {
			return nil
		}
		cache = m.headerCache()
		if cache.Len() > 0 {
			var err error
			out, err = m.listCached(cache)
			if !errors.Is(err, errIncomplete) {
				return err
			}
			// A message vanished between the two commands: list
			// everything in one command, a consistent snapshot.
		}
		var err error
		out, err = m.listAll(cache)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("fetch message list of %s: %w", m.name, err)
	}
	m.sizes = make(map[uint64]int64, len(out))
	for _, msg := range out {
		m.sizes[msg.Key] = msg.Size
	}
	if m.mode == store.ReadWrite {
		cache.Save(true) // the cache only saves time: a failure changes nothing else
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
// records what it learns in cache (nil: none).
func (m *Mailbox) listAll(cache *hdrcache.Cache) ([]store.Message, error) {
	var out []store.Message
	var seqs []uint32
	opt := *describeOptions
	opt.Flags = true
	err := eachFetched(m.sess.c.Fetch(allUIDs, &opt), func(buf *imapclient.FetchMessageBuffer) {
		sm := store.Message{
			Key:          uint64(buf.UID),
			Size:         buf.RFC822Size,
			Flags:        fromIMAP(buf.Flags),
			InternalDate: buf.InternalDate,
			Header:       buf.FindBodySection(headerSection),
		}
		remember(cache, sm)
		out = append(out, sm)
		seqs = append(seqs, buf.SeqNum)
	})
	if err != nil {
		return nil, err
	}
	sort.Sort(bySeq{out, seqs})
	return out, nil
}

// eachFetched calls fn with each message of a FETCH's answer that has a
// UID (the others are unsolicited: flag changes by another client) and
// returns the command's outcome.
func eachFetched(cmd *imapclient.FetchCommand, fn func(*imapclient.FetchMessageBuffer)) error {
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return err
		}
		if buf.UID != 0 {
			fn(buf)
		}
	}
	return cmd.Close()
}

// errIncomplete: a message listed by UID FETCH 1:* (UID FLAGS) was not in
// the answer for its header.
var errIncomplete = errors.New("a message vanished during the listing")

// listCached lists the folder with UID FETCH 1:* (UID FLAGS), takes size,
// date and header from cache and fetches them for the UIDs it lacks.
func (m *Mailbox) listCached(cache *hdrcache.Cache) ([]store.Message, error) {
	var out []store.Message
	var seqs []uint32
	var missing goimap.UIDSet
	want := map[uint64]int{} // UID → index in out, for the messages not cached
	err := eachFetched(m.sess.c.Fetch(allUIDs, &goimap.FetchOptions{UID: true, Flags: true}), func(buf *imapclient.FetchMessageBuffer) {
		key := uint64(buf.UID)
		sm := store.Message{Key: key, Flags: fromIMAP(buf.Flags)}
		if e, ok := cache.Get(cacheKey(key)); ok {
			sm.Size, sm.InternalDate, sm.Header = e.Size, e.Date, e.Header
		} else {
			missing.AddNum(buf.UID)
			want[key] = len(out)
		}
		out = append(out, sm)
		seqs = append(seqs, buf.SeqNum)
	})
	if err != nil {
		return nil, err
	}
	if len(want) > 0 {
		if err := m.describe(missing, want, out, cache); err != nil {
			return nil, err
		}
	}
	sort.Sort(bySeq{out, seqs})
	return out, nil
}

// describe fetches size, date and header of the messages in want (UID →
// index in out) into out and cache. errIncomplete when one is missing
// from the answer or the server refuses the command (a message
// vanished; a server may then still send its flags, without header).
func (m *Mailbox) describe(uids goimap.UIDSet, want map[uint64]int, out []store.Message, cache *hdrcache.Cache) error {
	err := eachFetched(m.sess.c.Fetch(uids, describeOptions), func(buf *imapclient.FetchMessageBuffer) {
		i, ok := want[uint64(buf.UID)]
		hdr := buf.FindBodySection(headerSection)
		if !ok || hdr == nil {
			return // not ours, or a flag change of another client
		}
		delete(want, uint64(buf.UID))
		sm := &out[i]
		sm.Size, sm.InternalDate, sm.Header = buf.RFC822Size, buf.InternalDate, hdr
		remember(cache, *sm)
	})
	var ie *goimap.Error
	if errors.As(err, &ie) && !m.broken {
		return errIncomplete
	}
	if err != nil {
		return err
	}
	if len(want) > 0 {
		return errIncomplete
	}
	return nil
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
	id := fmt.Sprintf("imap %s user=%q authuser=%q folder=%q uidvalidity=%d",
		m.st.srv.Address(), user, m.st.srv.AuthUser, m.name, m.uidValidity)
	return hdrcache.Open(m.st.opt.CacheDir, id)
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
