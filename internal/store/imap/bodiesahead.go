package imap

import (
	"bytes"
	"context"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Bodies sent ahead (doc/design/wan.md, "Bodies sent ahead"). When the
// sync engine opens a folder it will copy whole (store.WholeOpener: the
// other side's box was created empty in this run) and the LIST told the
// folder's size (STATUS=SIZE) as at most wholeAheadBytes, Open sends
// UID FETCH 1:* (UID BODY.PEEK[]) behind the SELECT and the listing, and
// a goroutine reads its answer as it arrives (a server may answer it
// interleaved with the listing: beside.go). FetchEach then hands out
// those bodies instead of asking for them: a folder costs one round trip
// instead of two.
//
// The server is not trusted. The bodies kept in memory add up to at most
// the size the LIST told plus a quarter (and 64 KB); beyond, a literal is
// read and thrown away, and one too large to drain closes the connection
// (literal.go). FetchEach takes the bodies only when every message it is
// asked for has one, each no larger than the size the listing gave for it
// (a larger one is a lie, literal.go); else it drops them and fetches as
// usual. Nothing is sent ahead under a protocol trace.

// wholeAheadBytes is the largest folder whose bodies are sent for ahead.
const wholeAheadBytes = 8 << 20

// bodiesAhead is the answer to a UID FETCH 1:* BODY.PEEK[] sent ahead.
type bodiesAhead struct {
	done   chan struct{} // closed when the answer has been read
	bodies map[uint64][]byte
	err    error // the answer is incomplete or was refused
}

// sendBodies sends UID FETCH 1:* (UID BODY.PEEK[]) for folder name, whose
// size the LIST told, and reads its answer in a goroutine.
func sendBodies(sess *session, name string, size int64) *bodiesAhead {
	whole := &goimap.FetchItemBodySection{Peek: true}
	cmd := sess.c.Fetch(allUIDs, &goimap.FetchOptions{UID: true, BodySection: []*goimap.FetchItemBodySection{whole}})
	b := &bodiesAhead{done: make(chan struct{}), bodies: map[uint64][]byte{}}
	go func() {
		defer close(b.done)
		b.read(sess, name, cmd, whole, size+size/4+64<<10)
	}()
	return b
}

// read reads the answer of cmd into b, keeping at most budget bytes.
func (b *bodiesAhead) read(sess *session, name string, cmd *imapclient.FetchCommand, whole *goimap.FetchItemBodySection, budget int64) {
	fail := func(err error) {
		if b.err == nil {
			b.err = err
		}
	}
	var used int64
	err := eachBody(cmd, func(uid uint64, it imapclient.FetchItemDataBodySection) error {
		n := it.Literal.Size()
		_, twice := b.bodies[uid]
		if uid == 0 || twice || !it.MatchCommand(whole) || n < 0 || used+n > budget {
			fail(fmt.Errorf("bodies of %s sent ahead: a %d-byte literal for UID %d not kept", name, n, uid))
			if n < 0 || n > drainMax {
				if sess.conn != nil {
					sess.conn.Close()
				} else {
					go sess.c.Close()
				}
			}
			io.Copy(io.Discard, it.Literal)
			return nil
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(it.Literal, body); err != nil {
			fail(err)
			return nil
		}
		used += n
		b.bodies[uid] = body
		return nil
	})
	if err != nil {
		fail(err)
	}
}

// takeBodies returns the bodies sent ahead for keys, in their order, when
// there is one for every key, no larger than its listed size; nil
// otherwise (they are given up either way); an error when the connection
// failed or the context ended while they were read.
func (m *Mailbox) takeBodies(ctx context.Context, keys []uint64) (bodies [][]byte, err error) {
	b := m.bodies
	if b == nil {
		return nil, nil
	}
	m.bodies = nil
	if m.lent != nil {
		// Read in flight (detach.go): the connection is not this
		// mailbox's to bind; its reading is watched by Open's binding.
		select {
		case <-b.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	} else if err = m.run(ctx, func() error {
		select {
		case <-b.done:
		case <-m.sess.c.Closed():
			<-b.done // the reader ends with the connection
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		body, ok := b.bodies[k]
		listed, known := m.listed(k)
		if !ok || !known || int64(len(body)) > listed {
			return nil, nil
		}
		out[i] = body
	}
	return out, nil
}

// handAhead hands fn the bodies takeBodies returned, in the order of keys.
func handAhead(keys []uint64, bodies [][]byte, fn func(uint64, io.Reader) error) {
	var r bytes.Reader
	for i, k := range keys {
		r.Reset(bodies[i])
		fn(k, &r)
	}
}
