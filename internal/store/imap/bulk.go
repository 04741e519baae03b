package imap

import (
	"context"
	"errors"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// pipelineDepth is how many UID FETCH commands are in flight at once.
// Servers answer pipelined commands in order, so the bodies arrive in the
// order asked for with no round trip between them.
const pipelineDepth = 32

var _ store.BulkFetcher = (*Mailbox)(nil)

// FetchEach streams the messages with UID FETCH n BODY.PEEK[], keeping up
// to pipelineDepth commands in flight, and hands each body to fn in the
// order of keys.
func (m *Mailbox) FetchEach(ctx context.Context, keys []uint64, fn func(key uint64, body io.Reader) error) (int, error) {
	if m.closed {
		return 0, errors.New("mailbox is closed")
	}
	stop := m.sess.bindContext(ctx)
	defer stop()
	whole := &goimap.FetchItemBodySection{Peek: true}
	opts := &goimap.FetchOptions{UID: true, BodySection: []*goimap.FetchItemBodySection{whole}}
	cmds := make([]*imapclient.FetchCommand, 0, len(keys))
	issue := func() {
		if i := len(cmds); i < len(keys) {
			cmds = append(cmds, m.sess.c.Fetch(goimap.UIDSetNum(goimap.UID(keys[i])), opts))
		}
	}
	for range pipelineDepth {
		issue()
	}
	// On an early return, finish every command already sent so the
	// connection stays in step (or is known broken).
	done := 0
	defer func() {
		for _, c := range cmds[done:] {
			drainFetch(c)
		}
		if !m.sess.alive() {
			m.broken = true
		}
	}()
	for i, key := range keys {
		cmd := cmds[i]
		r, err := m.bodyOf(cmd, key)
		done = i + 1
		if err != nil {
			if ctx.Err() != nil {
				return i, ctx.Err()
			}
			if !m.sess.alive() {
				return i, fmt.Errorf("fetch UID %d of %s: %w", key, m.name, err)
			}
			// The message is gone (expunged by another client): the
			// caller reports it; the others still come.
			fn(key, errReader{err})
			issue()
			continue
		}
		fn(key, r)
		err = r.Close()
		issue()
		if err != nil && !m.sess.alive() {
			if ctx.Err() != nil {
				return i, ctx.Err()
			}
			return i, fmt.Errorf("fetch UID %d of %s: %w", key, m.name, err)
		}
	}
	return len(keys), nil
}

// bodyOf waits for the body literal of one pipelined fetch.
func (m *Mailbox) bodyOf(cmd *imapclient.FetchCommand, key uint64) (*bodyReader, error) {
	r := &bodyReader{m: m, cmd: cmd, stop: func() bool { return true }}
	for {
		msg := cmd.Next()
		if msg == nil {
			err := r.Close()
			if err == nil {
				err = fmt.Errorf("message UID %d is gone from %s", key, m.name)
			}
			return nil, err
		}
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				r.msg, r.lit = msg, store.ExactReader(body.Literal, body.Literal.Size())
				return r, nil
			}
		}
	}
}

// drainFetch consumes and finishes a fetch command whose data is unused.
func drainFetch(cmd *imapclient.FetchCommand) {
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
		}
	}
	cmd.Close()
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
