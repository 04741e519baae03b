package imap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// Mailbox is one selected folder on a connection of its own. Keys are
// UIDs, so they survive expunges.
type Mailbox struct {
	st     *Store
	sess   *session
	name   string
	mode   store.Mode
	count  uint32
	closed bool
	broken bool
	// uidValidity is the folder's UIDVALIDITY (0: the server sent none),
	// part of its header cache's identity.
	uidValidity uint32
	// keywords: the folder keeps keywords (keywords.go).
	keywords bool
	// sizes are the RFC822.SIZE of the messages Messages listed, by UID:
	// FetchEach uses them to bound its batches, and no body literal of a
	// listed message may be larger (literal.go).
	sizes map[uint64]int64
	// appended: an APPEND since the last listing. Servers need not
	// announce it to the session that has the folder selected (Courier
	// sends EXISTS only at the next NOOP): Messages sends one first.
	appended bool
	// dropped is why the connection was dropped (a literal refused),
	// nil while it was not.
	dropped error
	// skipped are the messages the last listing left out (listed.go).
	skipped []store.LeftOut
	// flagged: MarkDeleted flagged messages in this session, so an
	// EXPUNGE has work of ours to do.
	flagged bool
	// noInsert is the server's refusal of an APPEND for lack of the
	// insert right; every later Append fails with it (reopen.go).
	noInsert error
	// ahead is the listing Open sent behind the SELECT, until Messages
	// takes it or another command settles it (ahead.go).
	ahead *ahead
	// bodies are the folder's bodies sent for behind the listing, until
	// FetchEach takes them (bodiesahead.go).
	bodies *bodiesAhead
	// lent is the reading of the answers of a mailbox whose connection
	// was handed back at Open (detach.go), until it is owned; release
	// gives its reserved size back, at Close.
	lent    *lentRead
	release func()
	// modSeq is the folder's HIGHESTMODSEQ the LIST told before the
	// SELECT, 0 when not told (flagsince.go).
	modSeq uint64
	// strays counts the answers of the last whole listing without the
	// items it asked for (detach.go).
	strays int
}

var _ store.Mailbox = (*Mailbox)(nil)

// run binds ctx to the connection around f and remembers a broken link.
func (m *Mailbox) run(ctx context.Context, f func() error) error {
	if m.closed {
		return errors.New("mailbox is closed")
	}
	if err := m.own(ctx); err != nil {
		return err
	}
	if m.broken || !m.sess.alive() {
		m.broken = true
		return m.lost()
	}
	stop := m.sess.bindContext(ctx)
	m.settle()
	err := f()
	if !stop() {
		m.broken = true // the context ended and is closing the connection
	}
	if err != nil && m.sess.conn != nil && m.sess.conn.stalled.Load() {
		err = m.sess.lost()
	}
	if !m.sess.alive() {
		m.broken = true
	}
	if err != nil && m.dropped != nil {
		err = m.dropped
	}
	if ctx.Err() != nil {
		m.broken = true
		return ctx.Err()
	}
	return err
}

// Fetch streams the whole message with UID FETCH n BODY.PEEK[]: \Seen
// never changes. The connection is busy until the reader is closed. Only
// the body section asked for, of the UID asked for, is taken; a literal
// larger than the message's listed size is refused (literal.go).
func (m *Mailbox) Fetch(ctx context.Context, key uint64) (io.ReadCloser, error) {
	if m.closed {
		return nil, errors.New("mailbox is closed")
	}
	if err := m.own(ctx); err != nil {
		return nil, fmt.Errorf("fetch UID %d of %s: %w", key, m.name, err)
	}
	if m.broken || !m.sess.alive() {
		m.broken = true
		return nil, m.lost()
	}
	stop := m.sess.bindContext(ctx)
	m.settle()
	whole := &goimap.FetchItemBodySection{Peek: true}
	cmd := m.sess.c.Fetch(goimap.UIDSetNum(goimap.UID(key)), &goimap.FetchOptions{
		UID: true, BodySection: []*goimap.FetchItemBodySection{whole},
	})
	r := &bodyReader{m: m, cmd: cmd, stop: stop}
	var refused error
	for {
		msg := cmd.Next()
		if msg == nil {
			err := r.Close()
			switch {
			case refused != nil:
				err = refused
			case err == nil:
				err = fmt.Errorf("message UID %d is gone from %s", key, m.name)
			}
			return nil, fmt.Errorf("fetch UID %d of %s: %w", key, m.name, err)
		}
		var uid goimap.UID
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil {
					continue
				}
				if uint64(uid) != key || !it.MatchCommand(whole) || refused != nil {
					if err := m.refuse(it.Literal, fmt.Errorf("unasked literal for message UID %d of %s", uid, m.name)); err != nil && refused == nil {
						refused = err
					}
					continue
				}
				if listed, ok := m.listed(key); ok && it.Literal.Size() > listed {
					refused = m.lieError(key, it.Literal.Size(), listed)
					m.refuse(it.Literal, refused)
					continue
				}
				r.msg, r.lit = msg, store.ExactReader(it.Literal, it.Literal.Size())
				return r, nil
			}
		}
	}
}

// bodyReader streams one message literal; Close finishes the command.
type bodyReader struct {
	m    *Mailbox
	cmd  *imapclient.FetchCommand
	msg  *imapclient.FetchMessageData
	lit  io.Reader
	stop func() bool
	done bool
}

func (r *bodyReader) Read(p []byte) (int, error) {
	n, err := r.lit.Read(p)
	if err != nil && err != io.EOF {
		r.m.broken = true
	}
	return n, err
}

func (r *bodyReader) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	if r.msg != nil {
		for item := r.msg.Next(); item != nil; item = r.msg.Next() {
		}
	}
	for msg := r.cmd.Next(); msg != nil; msg = r.cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
		}
	}
	err := r.cmd.Close()
	if !r.stop() || !r.m.sess.alive() {
		r.m.broken = true
	}
	return err
}

// Append adds a message with its flags and internal date (APPEND; go-imap
// uses a non-synchronising literal where the server allows it). NUL bytes
// are sent as 0x80 (nul.go).
func (m *Mailbox) Append(ctx context.Context, nm store.NewMessage) error {
	if m.mode == store.ReadOnly {
		return fmt.Errorf("append to %s: %w", m.name, store.ErrReadOnly)
	}
	if m.noInsert != nil {
		return fmt.Errorf("append to %s: %s", m.name, errText(m.noInsert))
	}
	var refused error
	err := m.run(ctx, func() error {
		cmd := m.sess.c.Append(wire(m.name), nm.Size, &goimap.AppendOptions{
			Flags: toIMAP(nm.Flags & store.CopiedFlags), Time: nm.InternalDate,
		})
		n, err := io.CopyN(cmd, nulReader{nm.Body}, nm.Size)
		if err != nil {
			// The literal is half sent, or the server refused it
			// before it began (a NO to a synchronising literal, on
			// which go-imap closes the connection): the connection
			// cannot go on. Close the command too, or go-imap keeps
			// its encoder locked and every later command waits
			// forever.
			if ie := (*goimap.Error)(nil); n == 0 && errors.As(err, &ie) {
				refused = err
			}
			m.broken = true
			m.sess.c.Close()
			cmd.Close()
			return fmt.Errorf("read message after %d of %d bytes: %w", n, nm.Size, err)
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err = cmd.Wait()
		m.appended = true
		return err
	})
	if refused != nil && ctx.Err() == nil {
		m.afterRefusedAppend(ctx, refused)
	}
	if err != nil {
		return fmt.Errorf("append to %s: %s", m.name, errText(err))
	}
	return nil
}

// MarkDeleted runs UID STORE uids +FLAGS.SILENT (\Deleted).
func (m *Mailbox) MarkDeleted(ctx context.Context, keys []uint64) error {
	if m.mode == store.ReadOnly {
		return fmt.Errorf("flag messages in %s: %w", m.name, store.ErrReadOnly)
	}
	if len(keys) == 0 {
		return nil
	}
	var set goimap.UIDSet
	for _, k := range keys {
		set.AddNum(goimap.UID(k))
	}
	err := m.run(ctx, func() error {
		return m.sess.c.Store(set, &goimap.StoreFlags{
			Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted},
		}, nil).Close()
	})
	if err != nil {
		return fmt.Errorf("flag messages deleted in %s: %s", m.name, errText(err))
	}
	m.flagged = true
	return nil
}

// errRightsHeld: the server does not say the user lacks the right.
var errRightsHeld = errors.New("the right is not known to be missing")

// Expunge runs EXPUNGE and counts the messages it removed. A server that
// refuses it for lack of the expunge right (MYRIGHTS without "e" or
// "d", reopen.go) while this session flagged nothing deleted refuses
// nothing the sync asked for: that is no error, so a folder the user may
// read but not change fails only what must fail (doc/design/servers.md,
// "Folders the user may not change").
func (m *Mailbox) Expunge(ctx context.Context) (int, error) {
	if m.mode == store.ReadOnly {
		return 0, fmt.Errorf("expunge %s: %w", m.name, store.ErrReadOnly)
	}
	var n int
	err := m.run(ctx, func() error {
		seqs, err := m.sess.c.Expunge().Collect()
		n = len(seqs)
		return err
	})
	return m.expunged(ctx, n, err)
}

// expunged is Expunge's outcome once EXPUNGE answered err after removing
// n messages.
func (m *Mailbox) expunged(ctx context.Context, n int, err error) (int, error) {
	var ie *goimap.Error
	if err != nil && !m.flagged && !m.broken && errors.As(err, &ie) && ie.Type == goimap.StatusResponseTypeNo &&
		m.run(ctx, func() error {
			if !m.lacksRights(m.sess, "ed") {
				return errRightsHeld
			}
			return nil
		}) == nil {
		return 0, nil
	}
	if err != nil {
		return n, fmt.Errorf("expunge %s: %s", m.name, errText(err))
	}
	return n, nil
}

// Close returns the connection to the store with the folder still
// selected: the next SELECT or EXAMINE on it closes the folder without
// expunging (RFC 3501 6.3.1), so leaving a folder costs no round trip
// (doc/design/wan.md) and needs no UNSELECT, which some servers (Courier)
// lack. Only a folder about to be deleted is left explicitly (Delete).
func (m *Mailbox) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if m.release != nil {
		go m.release() // once the bodies sent for are read (detach.go)
	}
	if r := m.lent; r != nil {
		<-r.listed // its connection works for others: nothing to give back
		return nil
	}
	if m.sess == nil {
		return nil // lent, and owning it failed (detach.go)
	}
	if m.ahead != nil && !m.broken && m.sess.alive() {
		stop := m.sess.bindContext(context.Background()) // the stall watchdog
		m.settle()
		if !stop() || !m.sess.alive() {
			m.broken = true
		}
	}
	if !m.broken {
		m.sess.selected = m.name
	}
	m.st.give(m.sess, m.broken)
	return nil
}

// errText is a server response as "[CODE] text", anything else as is.
func errText(err error) string {
	var ie *goimap.Error
	if errors.As(err, &ie) {
		return responseText(err)
	}
	return err.Error()
}

var flagMap = []struct {
	f store.Flags
	i goimap.Flag
}{
	{store.Seen, goimap.FlagSeen},
	{store.Answered, goimap.FlagAnswered},
	{store.Flagged, goimap.FlagFlagged},
	{store.Deleted, goimap.FlagDeleted},
	{store.Draft, goimap.FlagDraft},
	{store.Recent, "\\Recent"},
}

func fromIMAP(flags []goimap.Flag) store.Flags {
	var out store.Flags
	for _, f := range flags {
		for _, m := range flagMap {
			if strings.EqualFold(string(f), string(m.i)) {
				out |= m.f
			}
		}
	}
	return out
}

func toIMAP(f store.Flags) []goimap.Flag {
	var out []goimap.Flag
	for _, m := range flagMap {
		if f&m.f != 0 && m.f != store.Recent {
			out = append(out, m.i)
		}
	}
	return out
}
