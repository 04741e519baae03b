package channel

import (
	"context"
	"io"

	"github.com/mailsync/mailsync/internal/store"
)

// copyJob is one id to copy: its message, its line and why it is skipped.
type copyJob struct {
	id   string
	m    store.Message
	skip string // "ign. del" or "too big" when it is not copied
}

// line is the date/from/subject (and -M id) part of the job's lines,
// built only when a line is printed.
func (e *Engine) line(j copyJob) string {
	return fromPart(j.m.InternalDate, j.m.Header) + e.optID(j.id)
}

// copyAll copies the messages with the given ids from src to dst (5.5),
// in the order given (byte order of ids). dir is the direction string of
// copied/too big lines, ignDir that of ign. del lines. Ids whose copy
// fails or is skipped are removed from keep. It returns the number copied
// and whether no copy failed. A source that can stream many messages at
// once (store.BulkFetcher, IMAP) is read that way; the output is the same.
func (e *Engine) copyAll(ctx context.Context, src, dst *openSide, ids []string, dir, ignDir string, keep map[string]bool) (int, bool) {
	jobs := make([]copyJob, 0, len(ids))
	for _, id := range ids {
		i := src.scan.first[id]
		m := src.scan.msgs[i]
		e.warnRepairs(src.scan.ids[i].Repairs) // 5.2.7 computes the id again here
		j := copyJob{id: id, m: m}
		switch {
		case m.Flags&store.Deleted != 0 && !e.Opt.CopyDeleted:
			j.skip = "ign. del"
		case e.Opt.SizeLimit > 0 && uint64(m.Size) > e.Opt.SizeLimit:
			j.skip = "too big"
		}
		jobs = append(jobs, j)
	}
	c := &copier{e: e, src: src, dst: dst, dir: dir, ignDir: ignDir, keep: keep, ok: true}
	if p := e.Progress; p != nil && !e.Opt.Simulate {
		var count int
		var bytes int64
		for _, j := range jobs {
			if j.skip == "" {
				count++
				bytes += j.m.Size
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
	n           int
	ok          bool
}

// skipped prints the line of a job that is not copied.
func (c *copier) skipped(j copyJob) {
	d := c.dir
	if j.skip == "ign. del" {
		d = c.ignDir
	}
	c.e.R.Outf("%s%s\n", lead(j.skip, d), c.e.line(j))
	delete(c.keep, j.id)
}

// done reports the outcome of one copy.
func (c *copier) done(j copyJob, err error) {
	e := c.e
	if err != nil {
		e.R.Errf("Error: copy message %s from %s (store %s) to %s (store %s): %v\n", j.id,
			c.src.full(), c.src.side.Name(), c.dst.full(), c.dst.side.Name(), err)
		if e.Opt.Long {
			e.R.Outf("%s%s\n", lead("copyfail", c.dir), e.line(j))
		}
		delete(c.keep, j.id)
		c.ok = false
		return
	}
	if !e.Opt.Simulate {
		e.R.Debugf(" Flags: %q", flagString(j.m.Flags))
		if e.Progress != nil {
			e.Progress.Copied(j.m.Size)
		}
	}
	if e.Opt.Long {
		e.R.Outf("%s%s\n", lead("copied", c.dir), e.line(j))
	}
	c.n++
}

// oneByOne fetches and appends each message in turn.
func (c *copier) oneByOne(ctx context.Context, jobs []copyJob) {
	for _, j := range jobs {
		if j.skip != "" {
			c.skipped(j)
			continue
		}
		if c.e.Opt.Simulate {
			c.done(j, nil)
			continue
		}
		err := c.copyOne(ctx, j.m)
		c.done(j, err)
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
	for i, j := range jobs {
		if j.skip == "" {
			keys = append(keys, j.m.Key)
			at = append(at, i)
		}
	}
	next := 0 // the first job not yet reported
	skipsUpTo := func(end int) {
		for ; next < end; next++ {
			c.skipped(jobs[next])
		}
	}
	k := 0
	n, err := src.FetchEach(ctx, keys, func(_ uint64, body io.Reader) error {
		skipsUpTo(at[k])
		j := jobs[at[k]]
		err := c.dst.mb.Append(ctx, store.NewMessage{
			Flags: j.m.Flags & store.CopiedFlags, InternalDate: j.m.InternalDate, Size: j.m.Size, Body: body,
		})
		c.done(j, err)
		next, k = at[k]+1, k+1
		return err
	})
	if err != nil {
		for ; n < len(keys); n++ {
			skipsUpTo(at[n])
			c.done(jobs[at[n]], err)
			next = at[n] + 1
			if ctx.Err() != nil {
				return
			}
		}
	}
	skipsUpTo(len(jobs))
}

// copyOne streams one message from src to dst with its flags and date.
func (c *copier) copyOne(ctx context.Context, m store.Message) error {
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
