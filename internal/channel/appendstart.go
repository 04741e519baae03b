package channel

import (
	"bytes"
	"context"

	"github.com/mailsync/mailsync/internal/store"
)

// Appends without a round trip each (store.AppendStarter: IMAP with
// LITERAL+, doc/design/wan.md): oneByOne sends a message read ahead as
// soon as it has it and reports it later, when the answers are waited
// for: before any other line of the copy is printed (a skipped message),
// before a message that is not started so (one streamed, one whose read
// failed), at most maxStarted messages behind, and at the end. The
// reports come in the order of the copies, so the output is that of one
// append after the other.

// maxStarted is how many appends may wait for their answer at most.
const maxStarted = 64

// startedAppends are the copies sent and not yet reported.
type startedAppends struct {
	ks   []int
	fins []func() error
}

// start sends copy f.k when the destination can start appends and f was
// read ahead whole; false when it was not sent (use appendFetched).
func (s *startedAppends) start(ctx context.Context, c *copier, f fetched) bool {
	st, ok := c.dst.mb.(store.AppendStarter)
	if !ok || f.err != nil || f.pipe != nil {
		return false
	}
	fin, ok := st.StartAppend(ctx, c.newMessage(f.k, bytes.NewReader(f.buf.Bytes())))
	if !ok {
		return false
	}
	s.ks = append(s.ks, f.k)
	s.fins = append(s.fins, fin)
	return true
}

// finish waits for the answers of the copies started and reports them in
// order. It reports false when one failed because the run was
// interrupted: the copy then stops, as after an append that failed so.
func (s *startedAppends) finish(ctx context.Context, c *copier) bool {
	goOn := true
	for i, k := range s.ks {
		err := s.fins[i]()
		c.done(ctx, k, err)
		if err != nil && ctx.Err() != nil {
			goOn = false
		}
	}
	s.ks, s.fins = s.ks[:0], s.fins[:0]
	return goOn
}
