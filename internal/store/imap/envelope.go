package imap

import (
	"errors"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// envelopeSenders gives the messages of out whose -m sender column shows
// a From address without a domain the column 5.2.7 shows: mailbox@host
// with the host of the server's ENVELOPE (doc/design/servers.md,
// "Envelope senders"), as header.EnvelopeSenderField in their Header, and
// records them in cache. It costs one UID FETCH (ENVELOPE) of those
// messages, none when there are none (the common case). A server that
// refuses the command changes nothing: the column is only shown.
//
// Only the messages whose header was fetched this time are looked at
// (fresh; nil: all of them): a header taken from cache was looked at when
// it was fetched, and kept with the server's form when there was one. A
// look at every header of a big folder on every run cost a fifth of a
// flag sync's time (doc/design/flags.md, "Speed").
func (m *Mailbox) envelopeSenders(out []store.Message, cache *hdrcache.Cache, fresh map[uint64]bool) error {
	wanted := domainless(out, fresh)
	if len(wanted) == 0 {
		return nil
	}
	var set goimap.UIDSet
	for uid := range wanted {
		set.AddNum(goimap.UID(uid))
	}
	msgs, err := m.sess.c.Fetch(set, &goimap.FetchOptions{UID: true, Envelope: true}).Collect()
	var ie *goimap.Error
	if errors.As(err, &ie) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, fm := range msgs {
		w, ok := wanted[uint64(fm.UID)]
		if !ok || fm.Envelope == nil {
			continue
		}
		host, ok := envelopeHost(fm.Envelope.From, w.mailbox, w.index)
		if !ok {
			continue
		}
		delete(wanted, uint64(fm.UID))
		sm := &out[w.i]
		sm.Header = header.WithEnvelopeSender(sm.Header, w.mailbox+"@"+host)
		remember(cache, *sm)
	}
	return nil
}

// envelopeHost is the host the server's ENVELOPE gives the From address
// at index (or, when the server counted otherwise, the first one) whose
// mailbox is mailbox. go-imap reads NIL and "" alike: a host a server
// left NIL (which c-client would take for a group marker) reads as empty.
func envelopeHost(from []goimap.Address, mailbox string, index int) (string, bool) {
	if index < len(from) && from[index].Mailbox == mailbox {
		return from[index].Host, true
	}
	for _, a := range from {
		if a.Mailbox == mailbox {
			return a.Host, true
		}
	}
	return "", false
}

// senderWant is a message of a listing whose From address has no domain:
// its index in the listing, and where in the header the address is.
type senderWant struct {
	i       int
	mailbox string
	index   int
}

// domainless returns, by UID, the messages of out (those in fresh only,
// unless fresh is nil) whose From address has no domain.
func domainless(out []store.Message, fresh map[uint64]bool) map[uint64]senderWant {
	wanted := map[uint64]senderWant{}
	for i, msg := range out {
		if fresh != nil && !fresh[msg.Key] {
			continue
		}
		if mb, at, ok := header.DomainlessSender(msg.Header); ok {
			wanted[msg.Key] = senderWant{i, mb, at}
		}
	}
	return wanted
}
