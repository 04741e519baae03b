package imap

import (
	"context"
	"errors"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// Open selects name on a connection of its own: EXAMINE for ReadOnly (and
// with /readonly), SELECT otherwise.
//
// The empty name (see Create) fails without asking.
func (s *Store) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	return s.open(ctx, name, mode, false)
}

var _ store.WholeOpener = (*Store)(nil)

// OpenWhole implements store.WholeOpener: Open, and the bodies of a small
// folder sent for behind its listing (bodiesahead.go).
func (s *Store) OpenWhole(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	return s.open(ctx, name, mode, true)
}

func (s *Store) open(ctx context.Context, name string, mode store.Mode, whole bool) (store.Mailbox, error) {
	if name == "" {
		return nil, fmt.Errorf("open on %s: the empty name is the root: %w", s.opt.Name, store.ErrNoMailbox)
	}
	if s.srv.ReadOnly {
		mode = store.ReadOnly
	}
	caches := s.cachesOf(name, !whole)
	lend := s.openLentSince
	if whole {
		lend = s.openLent
	}
	if mb, err := lend(ctx, name, mode, caches); err != nil {
		return nil, s.openError(ctx, name, err)
	} else if mb != nil {
		return mb, nil
	}
	sess, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	stop := sess.bindContext(ctx)
	var noop *imapclient.Command
	if sess.selected == name {
		// The folder is still selected from its last Close (no UNSELECT):
		// Courier answers a SELECT of its selected folder from what it
		// knew, without the messages appended since unless it looked
		// again, which a NOOP makes it do (as Messages does after an
		// APPEND). Sent ahead of the SELECT: no round trip of its own.
		noop = sess.c.Noop()
	}
	sel := sess.sendSelect(name, mode, nil)
	if noop != nil {
		defer noop.Wait() // answered before the SELECT; its result says nothing
	}
	next := s.sendAhead(sess, name, caches, whole)
	data, err := sel.Wait()
	if err != nil && next != nil {
		next.cmd.Close() // refused with the SELECT: no folder is selected
	}
	if cut := !stop(); cut && err == nil {
		err = ctx.Err() // the connection is being closed under us
	}
	if err != nil {
		s.give(sess, ctx.Err() != nil || !sess.alive())
		return nil, s.openError(ctx, name, err)
	}
	s.prove()
	mb := &Mailbox{st: s, sess: sess, name: name, mode: mode, count: data.NumMessages, uidValidity: data.UIDValidity, ahead: next,
		modSeq: s.listedModSeq(name, data.UIDValidity), keywords: keepsKeywords(data)}
	if next != nil {
		mb.bodies = next.bodies
	}
	return mb, nil
}

// openError is the error of Open when the SELECT of name failed with
// err: the context's, the store's when it was given up, ErrNoMailbox
// when the folder does not exist, else the server's answer.
func (s *Store) openError(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if dead := s.unavailable(); dead != nil {
		return fmt.Errorf("open %s: %w", name, dead)
	}
	var ie *goimap.Error
	if errors.As(err, &ie) {
		if hasCode(err, goimap.ResponseCodeNonExistent) {
			return fmt.Errorf("open %s: %w", name, store.ErrNoMailbox)
		}
		if exists, lerr := s.existsOn(ctx, name); lerr == nil && !exists {
			return fmt.Errorf("open %s: %s: %w", name, responseText(err), store.ErrNoMailbox)
		}
		return fmt.Errorf("open %s: %s", name, responseText(err))
	}
	return fmt.Errorf("open %s: %w", name, err)
}

func (s *Store) existsOn(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.withSession(ctx, func(sess *session) error {
		var err error
		ok, err = s.exists(sess, name)
		return err
	})
	return ok, err
}
