package channel

import (
	"bytes"
	"context"
	"io"

	"github.com/mailsync/mailsync/internal/channel/details"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/store"
)

// skipReason says why a message is not copied.
type skipReason uint8

const (
	noSkip     skipReason = iota
	skipDel               // flagged deleted, no -cd
	skipTooBig            // over the channel's sizelimit
)

// action is the message line's action for a skipped copy.
func (r skipReason) action() event.Action {
	if r == skipDel {
		return event.IgnoredDel
	}
	return event.TooBig
}

// copyAll copies the messages with the given ids from src to dst (doc/design/behaviour.md#copying),
// in the order given (byte order of ids); at are the indexes of their
// messages in src (firstOf). dir is the direction string of copied/too
// big lines, ignDir that of ign. del lines. Ids whose copy fails or is
// skipped are dropped from the id table (Drop). It returns the number
// copied and whether no copy failed. A source that can stream many messages at once
// (store.BulkFetcher, IMAP) is read that way; the output is the same.
func (e *Engine) copyAll(ctx context.Context, src, dst *openSide, ids, at []int32, dir, ignDir string) (int, bool) {
	for _, i := range at {
		e.warnRepair(src.scan.repairOf(i)) // 5.2.7 computes the id again here
	}
	c := &copier{e: e, src: src, dst: dst, dir: dir, ignDir: ignDir, ids: ids, at: at, ok: true}
	if p := e.Progress; p != nil && !e.Opt.Simulate {
		var count int
		var bytes int64
		for k := range at {
			if c.skip(k) == noSkip {
				count++
				bytes += c.rec(k).Size
			}
		}
		if count > 0 {
			p.Start(src.name, src.side.Name()+"->"+dst.side.Name(), count, bytes)
			defer p.Stop()
		}
	}
	if bulk, ok := src.mb.(store.BulkFetcher); ok && !e.Opt.Simulate {
		c.bulk(ctx, bulk)
	} else {
		c.oneByOne(ctx)
	}
	return c.n, c.ok
}

// copier carries one direction's copies and their report. Copy k is of
// id ids[k], message at[k] of the source.
type copier struct {
	e           *Engine
	src, dst    *openSide
	dir, ignDir string
	ids, at     []int32
	n           int
	ok          bool
	// free are the read-ahead's buffers not in use (readahead.go).
	free chan *bytes.Buffer
	// interrupted: the run was interrupted (Ctrl-C); a copy that fails
	// for it is not reported on its own, the run ends with one line.
	interrupted bool
}

// rec is the details of copy k's message.
func (c *copier) rec(k int) *details.Rec { return c.src.scan.det.Rec(c.at[k]) }

// skip says why copy k is not made, if it is not.
func (c *copier) skip(k int) skipReason {
	m := c.rec(k)
	switch {
	case m.Flags&store.Deleted != 0 && !c.e.Opt.CopyDeleted:
		return skipDel
	case c.e.Opt.SizeLimit > 0 && uint64(m.Size) > c.e.Opt.SizeLimit:
		return skipTooBig
	}
	return noSkip
}

// id is the id of copy k.
func (c *copier) id(k int) string { return c.src.scan.t.Str(c.ids[k]) }

// drop marks the id of copy k as not kept.
func (c *copier) drop(k int) { c.src.scan.t.Drop(c.ids[k]) }

// line is the message line of copy k with action and direction dir,
// built only when it is printed.
func (c *copier) line(k int, action event.Action, dir string) event.Message {
	return event.Message{Action: action, Dir: dir, From: summary(&c.src.scan.det, c.at[k]), ID: c.id(k)}
}

// skipped reports copy k, which is not made.
func (c *copier) skipped(k int) {
	r := c.skip(k)
	d := c.dir
	if r == skipDel {
		d = c.ignDir
	}
	c.e.emit(c.line(k, r.action(), d))
	c.drop(k)
}

// done reports the outcome of copy k.
func (c *copier) done(ctx context.Context, k int, err error) {
	e := c.e
	m := c.rec(k)
	c.interrupted = c.interrupted || err != nil && ctx.Err() != nil
	if err != nil {
		if !c.interrupted && !e.goneIn(err, c.src.side, c.dst.side) {
			e.emit(event.CopyError{ID: c.id(k), From: c.src.full(), FromStore: c.src.side.Name(),
				To: c.dst.full(), ToStore: c.dst.side.Name(), Err: err})
		}
		if e.Opt.Long && !c.interrupted {
			e.emit(c.line(k, event.CopyFailed, c.dir))
		}
		c.drop(k)
		c.ok = false
		return
	}
	// 5.2.7 prints the flags under -s too.
	e.emit(event.MessageFlags{Flags: m.Flags})
	if !e.Opt.Simulate {
		if e.Progress != nil {
			e.Progress.Copied(m.Size)
		}
	}
	if e.Opt.Long {
		e.emit(c.line(k, event.Copied, c.dir))
	}
	c.n++
}

// oneByOne appends each message in turn, the next ones read ahead; a
// destination that can start appends gets them without waiting for each
// answer (appendstart.go).
func (c *copier) oneByOne(ctx context.Context) {
	var todo []int
	if !c.e.Opt.Simulate {
		for k := range c.at {
			if c.skip(k) == noSkip {
				todo = append(todo, k)
			}
		}
	}
	var ahead <-chan fetched
	if len(todo) > 0 {
		var stop func()
		ahead, stop = c.readAhead(ctx, todo)
		defer stop()
	}
	var started startedAppends
	defer started.finish(ctx, c)
	for k := range c.at {
		if c.skip(k) != noSkip {
			if !started.finish(ctx, c) {
				return
			}
			c.skipped(k)
			continue
		}
		if c.e.Opt.Simulate {
			c.done(ctx, k, nil)
			continue
		}
		f := <-ahead
		if len(started.ks) >= maxStarted && !started.finish(ctx, c) {
			c.release(f)
			return
		}
		if started.start(ctx, c, f) {
			c.release(f)
			continue
		}
		if !started.finish(ctx, c) {
			c.release(f)
			return
		}
		err := c.appendFetched(ctx, f)
		c.release(f)
		c.done(ctx, k, err)
		if err != nil && ctx.Err() != nil {
			return
		}
	}
}

// bulk streams the bodies with one pipelined request and appends each as
// it arrives, printing every line in the order oneByOne would.
func (c *copier) bulk(ctx context.Context, src store.BulkFetcher) {
	var keys []uint64
	var at []int // the copy of each key
	for k := range c.at {
		if c.skip(k) == noSkip {
			keys = append(keys, c.rec(k).Key)
			at = append(at, k)
		}
	}
	next := 0 // the first copy not yet reported
	skipsUpTo := func(end int) {
		for ; next < end; next++ {
			c.skipped(next)
		}
	}
	calls := 0
	n, err := src.FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
		k := at[calls]
		skipsUpTo(k)
		err := c.dst.mb.Append(ctx, c.newMessage(k, body))
		c.done(ctx, k, err)
		next, calls = k+1, calls+1
		return err
	})
	if err != nil {
		for ; n < len(keys); n++ {
			skipsUpTo(at[n])
			c.done(ctx, at[n], err)
			next = at[n] + 1
			if ctx.Err() != nil {
				return
			}
		}
	}
	skipsUpTo(len(c.at))
}

// newMessage is copy k's message to append: body with its flags and date.
func (c *copier) newMessage(k int, body io.Reader) store.NewMessage {
	m := c.rec(k)
	return store.NewMessage{
		Flags:        m.Flags & store.CopiedFlags,
		InternalDate: c.src.scan.det.Date(c.at[k]),
		Size:         m.Size,
		Body:         body,
		// With flags sync, flags change after the copy: an mbox leaves
		// room for them in place (doc/design/mbox.md).
		FlagRoom: c.e.Opt.FlagSync,
	}
}
