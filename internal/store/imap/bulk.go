package imap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// Batches of FetchEach: one UID FETCH for up to batchMessages messages of
// at most batchBytes together (a larger message is streamed alone).
// Servers answer one command in folder order, so a batch is collected
// before it is handed out in the order asked for; separate pipelined
// commands would be answered in order too, but a server may interleave
// one command's data with the next one's completion, which go-imap can
// only consume in arrival order.
const (
	batchMessages = 256
	batchBytes    = 8 << 20
)

// arenas is how many batch buffers a Store keeps for reuse: one with fn,
// one being fetched. Reading bodies into them, instead of a buffer grown
// per message (allocation, zeroing, copying, garbage collection), cut the
// CPU time of the fetching goroutine about fivefold in the IMAP
// benchmark.
const arenas = 2

var _ store.BulkFetcher = (*Mailbox)(nil)

// FetchEach fetches the messages in batches with UID FETCH set
// BODY.PEEK[], one round trip per batch, and hands each body to fn in the
// order of keys. The next batch is fetched while fn works through the
// current one. A message missing from the answer (expunged by another
// client) is handed over as a reader that fails, and so is one whose
// literal is larger than its listed size (refused unread, literal.go). The
// bodies of a batch share one buffer (an arena), reused once fn is done
// with them; a message larger than a batch, or of unknown size, is
// streamed from the connection to fn (doc/design/trust-memory.md).
func (m *Mailbox) FetchEach(ctx context.Context, keys []uint64, fn func(key uint64, body io.Reader) error) (int, error) {
	if ahead, err := m.takeBodies(ctx, keys); err != nil {
		return 0, err
	} else if ahead != nil {
		handAhead(keys, ahead, fn) // bodiesahead.go
		return len(keys), nil
	}
	type fetched struct {
		lo, hi int
		bodies map[uint64][]byte // nil: stream keys[lo] alone
		failed map[uint64]error  // messages refused
		arena  []byte            // the memory of bodies
		err    error             // the batch could not be completed
	}
	results := make(chan fetched)
	resume := make(chan struct{})
	done := make(chan struct{})
	free := m.st.arenas
	defer close(done)
	go func() {
		defer close(results)
		for _, r := range m.batches(keys) {
			f := fetched{lo: r[0], hi: r[1]}
			if r[1] == r[0]+1 && m.streamed(keys[r[0]]) {
				// Streamed by the consumer on this connection: wait
				// until it is done before fetching on.
				select {
				case results <- f:
				case <-done:
					return
				}
				select {
				case <-resume:
				case <-done:
					return
				}
				continue
			}
			b := m.fetchBatch(ctx, keys[r[0]:r[1]], m.arena(free, keys[r[0]:r[1]]))
			f.bodies, f.failed, f.arena, f.err = b.bodies, b.failed, b.arena, b.err
			select {
			case results <- f:
			case <-done:
				return
			}
			if f.err != nil {
				return
			}
		}
	}()
	for f := range results {
		if f.bodies == nil && f.err == nil {
			err := m.streamOne(ctx, keys[f.lo], fn)
			if err != nil {
				return f.lo, err
			}
			resume <- struct{}{}
			continue
		}
		var r bytes.Reader
		for i, key := range keys[f.lo:f.hi] {
			if b, ok := f.bodies[key]; ok {
				r.Reset(b)
				fn(key, &r)
			} else if err, ok := f.failed[key]; ok {
				fn(key, errReader{err})
			} else if f.err != nil {
				// The rest of the batch, and what follows, fail
				// with the batch's error.
				return f.lo + i, f.err
			} else {
				fn(key, errReader{fmt.Errorf("message UID %d is gone from %s", key, m.name)})
			}
		}
		if f.err != nil {
			return f.hi, f.err
		}
		select {
		case free <- f.arena[:0]:
		default:
		}
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return len(keys), nil
}

// streamed says whether key's message is fetched alone and streamed: when
// it is larger than a batch, or when its size was not listed.
func (m *Mailbox) streamed(key uint64) bool {
	n, ok := m.listed(key)
	return !ok || n > batchBytes
}

// arena returns an empty buffer for the bodies of keys: one from free
// when it is large enough, else a new one of their listed size and a
// quarter more, so that it mostly fits the next batch too (a buffer of
// batchBytes would cost its whole size in memory when the allocator
// clears reused memory).
func (m *Mailbox) arena(free chan []byte, keys []uint64) []byte {
	var need int64
	for _, k := range keys {
		need += m.sizes[k] // at most batchBytes together (batches)
	}
	select {
	case a := <-free:
		if int64(cap(a)) >= need {
			return a[:0]
		}
	default:
	}
	return make([]byte, 0, need+need/4)
}

// batches splits keys into runs [lo, hi) of at most batchMessages
// messages and batchBytes bytes; a larger message, or one of unknown
// size, is a run of its own.
func (m *Mailbox) batches(keys []uint64) [][2]int {
	var out [][2]int
	for i := 0; i < len(keys); {
		j, total := i, int64(0)
		for j < len(keys) && j-i < batchMessages && (j == i || !m.streamed(keys[j]) && total+m.sizes[keys[j]] <= batchBytes) {
			if m.streamed(keys[j]) {
				j++ // alone
				break
			}
			total += m.sizes[keys[j]]
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// streamOne hands one large message to fn straight from the connection.
func (m *Mailbox) streamOne(ctx context.Context, key uint64, fn func(uint64, io.Reader) error) error {
	r, err := m.Fetch(ctx, key)
	if err != nil {
		if !m.broken && m.sess.alive() && ctx.Err() == nil {
			fn(key, errReader{err}) // the message is gone; go on
			return nil
		}
		return err
	}
	fn(key, r)
	if err := r.Close(); err != nil && (m.broken || ctx.Err() != nil) {
		return fmt.Errorf("fetch UID %d of %s: %w", key, m.name, err)
	}
	return nil
}

// batch is what one UID FETCH of a batch gave.
type batch struct {
	bodies map[uint64][]byte // by UID
	failed map[uint64]error  // refused messages, by UID
	arena  []byte            // the arena, grown by the bodies
	err    error             // the command failed for the messages not in bodies or failed
}

// fetchBatch runs one UID FETCH for keys, all of listed sizes at most
// batchBytes together, and returns the bodies by UID. A body is read into
// arena (whose capacity is never exceeded, so earlier bodies stay put)
// only when it is the section asked for, of a UID asked for and not yet
// answered, and its literal is at most the listed size; any other
// literal is refused (literal.go). So the memory a batch holds is bounded
// by its listed sizes whatever the server sends.
func (m *Mailbox) fetchBatch(ctx context.Context, keys []uint64, arena []byte) batch {
	whole := &goimap.FetchItemBodySection{Peek: true}
	b := batch{bodies: make(map[uint64][]byte, len(keys)), arena: arena}
	asked := make(map[uint64]bool, len(keys))
	for _, k := range keys {
		asked[k] = true
	}
	err := m.run(ctx, func() error {
		cmd := m.sess.c.Fetch(goimap.UIDSetNum(toUIDs(keys)...), &goimap.FetchOptions{
			UID: true, BodySection: []*goimap.FetchItemBodySection{whole},
		})
		return eachBody(cmd, func(uid uint64, it imapclient.FetchItemDataBodySection) error {
			return m.takeBody(&b, uid, asked, it, whole)
		})
	})
	if err != nil {
		var ie *goimap.Error
		if errors.As(err, &ie) && !m.broken {
			// NO for the whole batch (e.g. some messages vanished):
			// the missing ones fail one by one.
			return b
		}
		b.err = fmt.Errorf("fetch %d messages of %s: %w", len(keys), m.name, err)
	}
	return b
}

// takeBody reads the body literal of message uid into the batch when it
// is one asked for (and unanswered) and no larger than listed; otherwise
// it refuses the literal. The error is that of a broken connection.
func (m *Mailbox) takeBody(b *batch, uid uint64, asked map[uint64]bool, it imapclient.FetchItemDataBodySection, whole *goimap.FetchItemBodySection) error {
	n := it.Literal.Size()
	if !asked[uid] || !it.MatchCommand(whole) {
		// Not asked for: go-imap hands a UID FETCH only the UIDs of its
		// set, and each once; this guards the rest (a -di trace shows it).
		return m.refuse(it.Literal, fmt.Errorf("unasked %d-byte literal for message UID %d of %s", n, uid, m.name))
	}
	asked[uid] = false // answered
	if listed, ok := m.listed(uid); !ok || n < 0 || n > listed {
		err := m.lieError(uid, n, listed)
		if b.failed == nil {
			b.failed = map[uint64]error{}
		}
		b.failed[uid] = err
		return m.refuse(it.Literal, err)
	}
	body, grown, err := readLiteral(it.Literal, b.arena)
	if err != nil {
		return err
	}
	b.bodies[uid], b.arena = body, grown
	return nil
}

// readLiteral reads a literal, whose size the caller has bounded, into
// the free room of arena, or into memory of its own when it does not fit.
func readLiteral(lit goimap.LiteralReader, arena []byte) (body, grown []byte, err error) {
	n := lit.Size()
	if n > int64(cap(arena)-len(arena)) {
		body = make([]byte, n)
		if _, err := io.ReadFull(lit, body); err != nil {
			return nil, arena, err
		}
		return body, arena, nil
	}
	end := len(arena) + int(n)
	body = arena[len(arena):end:end]
	if _, err := io.ReadFull(lit, body); err != nil {
		return nil, arena, err
	}
	return body, arena[:end], nil
}

// eachBody hands fn each body literal of the answer to cmd with the UID
// its message gave before it (0 when none did), then ends cmd. An error
// from fn ends cmd at once and is returned.
func eachBody(cmd *imapclient.FetchCommand, fn func(uid uint64, it imapclient.FetchItemDataBodySection) error) error {
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		var uid uint64
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = uint64(it.UID)
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil {
					continue
				}
				if err := fn(uid, it); err != nil {
					cmd.Close()
					return err
				}
			}
		}
	}
	return cmd.Close()
}

func toUIDs(keys []uint64) []goimap.UID {
	uids := make([]goimap.UID, len(keys))
	for i, k := range keys {
		uids[i] = goimap.UID(k)
	}
	return uids
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
