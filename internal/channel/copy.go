package channel

import (
	"context"
	"io"

	"github.com/mailsync/mailsync/internal/store"
)

// copyJob is one id to copy: the index of its message in the source box
// and why it is not copied, if it is not.
type copyJob struct {
	i    int32
	skip skipReason
}

// skipReason says why a message is not copied.
type skipReason uint8

const (
	noSkip     skipReason = iota
	skipDel               // flagged deleted, no -cd
	skipTooBig            // over the channel's sizelimit
)

func (r skipReason) String() string {
	switch r {
	case skipDel:
		return "ign. del"
	case skipTooBig:
		return "too big"
	}
	return ""
}

// copyAll copies the messages with the given ids from src to dst (5.5),
// in the order given (byte order of ids). dir is the direction string of
// copied/too big lines, ignDir that of ign. del lines. Ids whose copy
// fails or is skipped are removed from keep. It returns the number copied
// and whether no copy failed. A source that can stream many messages at
// once (store.BulkFetcher, IMAP) is read that way; the output is the same.
func (e *Engine) copyAll(ctx context.Context, src, dst *openSide, ids []string, dir, ignDir string, keep map[string]bool) (int, bool) {
	jobs := make([]copyJob, len(ids))
	for k, id := range ids {
		i := src.scan.firstOf(id)
		m := &src.scan.msgs[i]
		e.warnRepairs(src.scan.repairsOf(i)) // 5.2.7 computes the id again here
		j := copyJob{i: int32(i)}
		switch {
		case m.Flags&store.Deleted != 0 && !e.Opt.CopyDeleted:
			j.skip = skipDel
		case e.Opt.SizeLimit > 0 && uint64(m.Size) > e.Opt.SizeLimit:
			j.skip = skipTooBig
		}
		jobs[k] = j
	}
	c := &copier{e: e, src: src, dst: dst, dir: dir, ignDir: ignDir, keep: keep, ids: ids, ok: true}
	if p := e.Progress; p != nil && !e.Opt.Simulate {
		var count int
		var bytes int64
		for _, j := range jobs {
			if j.skip == noSkip {
				count++
				bytes += src.scan.msgs[j.i].Size
			}
		}
		if count > 0 {
			p.Start(src.box, src.side.Name()+"->"+dst.side.Name(), count, bytes)
			defer p.Stop()
		}
	}
	if bulk, ok := src.mb.(store.BulkFetcher); ok && !e.Opt.Simulate {
		c.bulk(ctx, bulk, jobs)
	} else {
		c.oneByOne(ctx, jobs)
	}
	return c.n, c.ok
}

// copier carries one direction's copies and their report.
type copier struct {
	e           *Engine
	src, dst    *openSide
	dir, ignDir string
	keep        map[string]bool
	ids         []string // the id of each job
	n           int
	ok          bool
}

// line is the date/from/subject (and -M id) part of job k's lines, built
// only when a line is printed.
func (c *copier) line(k int, j copyJob) string {
	return c.src.scan.fromPart(int(j.i)) + c.e.optID(c.ids[k])
}

// skipped prints the line of job k, which is not copied.
func (c *copier) skipped(k int, j copyJob) {
	d := c.dir
	if j.skip == skipDel {
		d = c.ignDir
	}
	c.e.R.Outf("%s%s\n", lead(j.skip.String(), d), c.line(k, j))
	delete(c.keep, c.ids[k])
}

// done reports the outcome of job k's copy.
func (c *copier) done(k int, j copyJob, err error) {
	e := c.e
	m := &c.src.scan.msgs[j.i]
	if err != nil {
		e.R.Errf("Error: copy message %s from %s (store %s) to %s (store %s): %v\n", c.ids[k],
			c.src.full(), c.src.side.Name(), c.dst.full(), c.dst.side.Name(), err)
		if e.Opt.Long {
			e.R.Outf("%s%s\n", lead("copyfail", c.dir), c.line(k, j))
		}
		delete(c.keep, c.ids[k])
		c.ok = false
		return
	}
	if !e.Opt.Simulate {
		e.R.Debugf(" Flags: %q", flagString(m.Flags))
		if e.Progress != nil {
			e.Progress.Copied(m.Size)
		}
	}
	if e.Opt.Long {
		e.R.Outf("%s%s\n", lead("copied", c.dir), c.line(k, j))
	}
	c.n++
}

// oneByOne fetches and appends each message in turn.
func (c *copier) oneByOne(ctx context.Context, jobs []copyJob) {
	for k, j := range jobs {
		if j.skip != noSkip {
			c.skipped(k, j)
			continue
		}
		if c.e.Opt.Simulate {
			c.done(k, j, nil)
			continue
		}
		err := c.copyOne(ctx, &c.src.scan.msgs[j.i])
		c.done(k, j, err)
		if err != nil && ctx.Err() != nil {
			return
		}
	}
}

// bulk streams the bodies with one pipelined request and appends each as
// it arrives, printing every line in the order oneByOne would.
func (c *copier) bulk(ctx context.Context, src store.BulkFetcher, jobs []copyJob) {
	var keys []uint64
	var at []int // index in jobs of each key
	for k, j := range jobs {
		if j.skip == noSkip {
			keys = append(keys, c.src.scan.msgs[j.i].Key)
			at = append(at, k)
		}
	}
	next := 0 // the first job not yet reported
	skipsUpTo := func(end int) {
		for ; next < end; next++ {
			c.skipped(next, jobs[next])
		}
	}
	calls := 0
	n, err := src.FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
		k := at[calls]
		skipsUpTo(k)
		m := &c.src.scan.msgs[jobs[k].i]
		err := c.dst.mb.Append(ctx, store.NewMessage{
			Flags: m.Flags & store.CopiedFlags, InternalDate: m.InternalDate, Size: m.Size, Body: body,
		})
		c.done(k, jobs[k], err)
		next, calls = k+1, calls+1
		return err
	})
	if err != nil {
		for ; n < len(keys); n++ {
			skipsUpTo(at[n])
			c.done(at[n], jobs[at[n]], err)
			next = at[n] + 1
			if ctx.Err() != nil {
				return
			}
		}
	}
	skipsUpTo(len(jobs))
}

// copyOne streams one message from src to dst with its flags and date.
func (c *copier) copyOne(ctx context.Context, m *store.Message) error {
	body, err := c.src.mb.Fetch(ctx, m.Key)
	if err != nil {
		return err
	}
	defer body.Close()
	return c.dst.mb.Append(ctx, store.NewMessage{
		Flags:        m.Flags & store.CopiedFlags,
		InternalDate: m.InternalDate,
		Size:         m.Size,
		Body:         body,
	})
}

// flagString renders flags as 5.2.7's -d " Flags:" line does.
func flagString(f store.Flags) string {
	s := ""
	for _, x := range []struct {
		f    store.Flags
		name string
	}{{store.Seen, "\\Seen"}, {store.Deleted, "\\Deleted"}, {store.Flagged, "\\Flagged"}, {store.Answered, "\\Answered"}, {store.Draft, "\\Draft"}} {
		if f&x.f != 0 {
			s += " " + x.name
		}
	}
	return s
}
