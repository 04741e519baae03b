package channel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
)

// Read-ahead for sources without a bulk fetch (local files): while one
// message is appended to the destination, the next ones are read from
// the source in another goroutine, so that reading a file and writing
// one overlap. Small messages are read ahead whole, into a fixed set of
// reused buffers; a big one is streamed through a pipe when its turn
// comes. The source mailbox is used by the read-ahead goroutine alone
// until oneByOne returns.

const (
	// aheadSlots is how many messages may be read ahead at most.
	aheadSlots = 8
	// aheadMaxSize is the largest message read ahead (by its size).
	aheadMaxSize = 128 << 10
)

// errStopped ends the stream of a message the copy did not take.
var errStopped = errors.New("copy stopped")

// fetched is one copy's message, read ahead.
type fetched struct {
	k    int
	buf  *bytes.Buffer  // the message, read whole
	pipe *io.PipeReader // or the message, streamed
	err  error          // the fetch failed
	slot bool           // buf is a slot to give back
}

// readAhead reads the messages of the copies in todo, in that order, and
// sends them on the channel it returns. stop ends it and returns once it
// has ended: the source is then free.
func (c *copier) readAhead(ctx context.Context, todo []int) (out <-chan fetched, stop func()) {
	ch := make(chan fetched, aheadSlots)
	free := make(chan *bytes.Buffer, aheadSlots)
	for range aheadSlots {
		free <- new(bytes.Buffer)
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		for _, k := range todo {
			f := fetched{k: k}
			if c.rec(k).Size > aheadMaxSize {
				if !c.streamAhead(ctx, f, ch, quit) {
					return
				}
				continue
			}
			select {
			case f.buf = <-free:
				f.slot = true
			case <-quit:
				return
			}
			f.buf.Reset()
			f.err = c.fetchInto(ctx, k, f.buf)
			select {
			case ch <- f:
			case <-quit:
				return
			}
		}
	}()
	c.free = free
	return ch, func() {
		close(quit)
		// A message sent but never taken may be a pipe its writer
		// still fills: closing it lets the goroutine see quit.
		for f := range ch {
			if f.pipe != nil {
				f.pipe.CloseWithError(errStopped)
			}
		}
		wg.Wait()
	}
}

// streamAhead opens copy k's message and sends it as a pipe that it then
// fills (the reader of the pipe closes it when done with it). It reports
// false when stopped before sending.
func (c *copier) streamAhead(ctx context.Context, f fetched, ch chan<- fetched, quit <-chan struct{}) bool {
	send := func(f fetched) bool {
		select {
		case ch <- f:
			return true
		case <-quit:
			return false
		}
	}
	body, err := c.src.mb.Fetch(ctx, c.rec(f.k).Key)
	if err != nil {
		f.err = err
		return send(f)
	}
	defer body.Close()
	pr, pw := io.Pipe()
	f.pipe = pr
	if !send(f) {
		pw.Close()
		return false
	}
	_, err = io.Copy(pw, body)
	pw.CloseWithError(err)
	return true
}

// fetchInto reads copy k's message into buf.
func (c *copier) fetchInto(ctx context.Context, k int, buf *bytes.Buffer) error {
	body, err := c.src.mb.Fetch(ctx, c.rec(k).Key)
	if err != nil {
		return err
	}
	defer body.Close()
	buf.Grow(int(c.rec(k).Size))
	_, err = buf.ReadFrom(body)
	return err
}

// release gives f's buffer back to the read-ahead.
func (c *copier) release(f fetched) {
	if f.slot {
		c.free <- f.buf
	}
}

// appendFetched appends copy k's message read ahead as f, or streams it
// when it was not read ahead.
func (c *copier) appendFetched(ctx context.Context, f fetched) error {
	if f.err != nil {
		return f.err
	}
	if f.pipe != nil {
		defer f.pipe.Close() // ends the copy into it, if Append stopped reading
		return c.dst.mb.Append(ctx, c.newMessage(f.k, f.pipe))
	}
	return c.dst.mb.Append(ctx, c.newMessage(f.k, bytes.NewReader(f.buf.Bytes())))
}
