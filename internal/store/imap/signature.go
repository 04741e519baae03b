package imap

import (
	"context"
	"errors"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Signer = (*Store)(nil)

// errNoModSeq: the server cannot tell flag changes (no CONDSTORE).
var errNoModSeq = errors.New("no CONDSTORE")

// Signature implements store.Signer with STATUS (RFC 7162): the folder's
// UIDVALIDITY, UIDNEXT, message count and HIGHESTMODSEQ. Every append
// moves UIDNEXT, every flag change and expunge moves HIGHESTMODSEQ (which
// the server never moves back), a folder made anew gets a new
// UIDVALIDITY. false without CONDSTORE, for a folder without
// HIGHESTMODSEQ (NOMODSEQ) and on any error: the box is then read.
func (s *Store) Signature(ctx context.Context, name string) ([]byte, bool) {
	if data, ok := s.takeListed(name); ok {
		return s.signatureOf(name, data)
	}
	var sig []byte
	err := s.withSession(ctx, func(sess *session) error {
		if !sess.c.Caps().Has(goimap.CapCondStore) {
			return errNoModSeq
		}
		data, err := sess.c.Status(wire(name), statusItems).Wait()
		if err != nil {
			return err
		}
		var ok bool
		if sig, ok = s.signatureOf(name, *data); !ok {
			return errNoModSeq
		}
		return nil
	})
	return sig, err == nil
}

// statusItems are what a signature is made of.
var statusItems = &goimap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true, HighestModSeq: true}

// listedItems are the items asked of every folder with the listing:
// statusItems, and the folder's size where the server tells it
// (STATUS=SIZE, RFC 8438), which decides whether its bodies may be sent
// for ahead (bodiesahead.go). The size is not part of a signature.
func listedItems(sess *session) *goimap.StatusOptions {
	if !sess.c.Caps().Has(goimap.CapStatusSize) {
		return statusItems
	}
	items := *statusItems
	items.Size = true
	return &items
}

// signatureOf makes folder name's signature from its STATUS answer;
// false when the answer lacks an item (a folder without HIGHESTMODSEQ).
func (s *Store) signatureOf(name string, data goimap.StatusData) ([]byte, bool) {
	if data.NumMessages == nil || data.UIDValidity == 0 || data.UIDNext == 0 || data.HighestModSeq == 0 {
		return nil, false
	}
	s.mu.Lock()
	user := s.user
	s.mu.Unlock()
	return fmt.Appendf(nil, "imap %s user=%q authuser=%q folder=%q\n%d %d %d %d", s.srv.Address(), user, s.srv.AuthUser, name,
		data.UIDValidity, data.UIDNext, *data.NumMessages, data.HighestModSeq), true
}

// listOptions asks LIST for every folder's signature items too when the
// run wants them (Options.ListStatus) and the server can answer them
// (LIST-STATUS, RFC 5819, with CONDSTORE): a run
// whose boxes are settled then costs one command for the whole store,
// not one STATUS per folder (doc/design/wan.md).
func (s *Store) listOptions(sess *session) *goimap.ListOptions {
	caps := sess.c.Caps()
	if !s.opt.ListStatus || !caps.Has(goimap.CapListStatus) || !caps.Has(goimap.CapCondStore) {
		return nil
	}
	return &goimap.ListOptions{ReturnStatus: listedItems(sess)}
}

// gathersStatus reports whether the run gathers every listed folder's
// signature items right after the LIST (Options.ListStatus, on a server
// with CONDSTORE): with the LIST itself where the server has LIST-STATUS
// (listOptions), else with one STATUS per folder, all sent at once
// (statusAll). The pool (pool.go) and the listings sent ahead (ahead.go)
// are used only then.
// Under a protocol trace, whose lines keep the order of one command
// after the other, only LIST-STATUS does.
func (s *Store) gathersStatus(sess *session) bool {
	return s.listOptions(sess) != nil || s.opt.ListStatus && s.trace == nil && sess.c.Caps().Has(goimap.CapCondStore)
}

// keepListed keeps the STATUS answers that came with a LIST. One is
// enough to prove the server (pool.go): it opened a folder for us.
func (s *Store) keepListed(list []*goimap.ListData) {
	kept := false
	for _, l := range list {
		if l.Status != nil {
			s.keepStatus(*l.Status)
			kept = true
		}
	}
	if kept {
		s.prove()
	}
}

// keepStatus keeps a folder's STATUS answer for Signature and ahead.go.
func (s *Store) keepStatus(data goimap.StatusData) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listed == nil {
		s.listed = map[string]goimap.StatusData{}
		s.validity = map[string]listStatus{}
	}
	name := mutf7.Encode(data.Mailbox)
	s.listed[name] = data
	st := listStatus{validity: data.UIDValidity, uidNext: uint32(data.UIDNext), modSeq: data.HighestModSeq} // ahead.go
	if data.Size != nil {
		st.size = *data.Size
	}
	s.validity[name] = st
}

// statusAll asks, on a server without LIST-STATUS, the STATUS of every
// selectable folder of list, all commands written before any answer is
// read: one round trip for the whole listing, as LIST-STATUS costs none
// (doc/design/wan.md, "Servers without LIST-STATUS"). A folder the server
// refuses has no signature and is read. The folder selected on sess is
// not asked (RFC 3501 advises against STATUS of it).
func (s *Store) statusAll(sess *session, list []*goimap.ListData) {
	type asked struct {
		mailbox string
		cmd     *imapclient.StatusCommand
	}
	var cmds []asked
	for _, l := range list {
		if l.Status != nil || noSelect(l.Attrs) || mutf7.Encode(l.Mailbox) == sess.selected {
			continue
		}
		cmds = append(cmds, asked{l.Mailbox, sess.c.Status(l.Mailbox, listedItems(sess))})
	}
	kept := false
	for _, a := range cmds {
		// An answer without data, or for another folder, gives none.
		data, err := a.cmd.Wait()
		if err == nil && data != nil && data.Mailbox == a.mailbox {
			s.keepStatus(*data)
			kept = true
		}
	}
	if kept {
		s.prove() // as keepListed
	}
}

// noSelect reports whether a LIST entry with attrs cannot be selected.
func noSelect(attrs []goimap.MailboxAttr) bool {
	for _, a := range attrs {
		if a == goimap.MailboxAttrNoSelect || a == goimap.MailboxAttrNonExistent {
			return true
		}
	}
	return false
}

// takeListed returns, once, the STATUS answer the last LIST gave for
// folder name. A signature must be taken before the box is read (see
// store.Signer); the LIST that gave it came before any box was opened,
// and a second Signature of the same folder asks the server again.
func (s *Store) takeListed(name string) (goimap.StatusData, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.listed[name]
	delete(s.listed, name)
	return data, ok
}
