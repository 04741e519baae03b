package channel

import (
	"context"
	"fmt"

	"github.com/mailsync/mailsync/internal/store"
)

// openSide is one side of a box being synchronised.
type openSide struct {
	side *Side
	box  string // the box name
	mb   store.Mailbox
	scan *scanned
	// victims are the indexes of the messages to delete (see victims),
	// once the plan is made.
	victims []int32
}

// full is the c-client name of the open box.
func (o *openSide) full() string { return FullName(o.side.Cfg, o.side.Boxes.Delim, o.box) }

// syncBox synchronises one box present on both sides. last are the ids
// recorded for it after the last sync. It returns the ids to record, the
// "remain" count and whether everything succeeded.
func (e *Engine) syncBox(ctx context.Context, a, b *Side, name string, last []string) (kept []string, remain int, ok bool) {
	r := e.R
	e.boxHeader(name)
	t := newIDTable(last)
	// Read the second side while the first is read (a server answers
	// while the local file is scanned); what is printed keeps its order.
	ahead := e.prefetch(ctx, b, name, t, markB)
	oa, err := e.openAndScan(ctx, a, name, "opening and writing", nil, t, markA)
	if err != nil {
		if l := <-ahead; l.mb != nil {
			l.mb.Close()
		}
		return nil, 0, false
	}
	ob, err := e.openAndScan(ctx, b, name, "fetching of mail ids", ahead, t, markB)
	if err != nil {
		oa.mb.Close()
		return nil, 0, false
	}
	// Closing makes appended messages durable (a backend may batch its
	// syncs until then): a box whose close fails keeps its last state.
	defer func() {
		for _, o := range []*openSide{oa, ob} {
			if err := o.mb.Close(); err != nil {
				if !e.goneIn(err, o.side) {
					e.R.Errf("Error: Couldn't close mailbox \"%s\" in store \"%s\": %v\n", name, o.side.Name(), err)
				}
				kept, ok = nil, false
			}
		}
	}()

	plan := Decide(t)
	e.idless = oa.scan.idless + ob.scan.idless
	e.clean = len(plan.CopyAB)+len(plan.CopyBA)+len(plan.DeleteA)+len(plan.DeleteB) == 0 &&
		len(oa.scan.dups)+len(ob.scan.dups) == 0 && e.idless == 0 &&
		oa.scan.trashed+ob.scan.trashed == 0
	r.Notef("%s: %d messages in %s, %d in %s; %d to copy %s->%s, %d %s->%s; %d to delete in %s, %d in %s",
		name, oa.scan.count(), a.Name(), ob.scan.count(), b.Name(),
		len(plan.CopyAB), a.Name(), b.Name(), len(plan.CopyBA), b.Name(), a.Name(),
		len(plan.DeleteA), a.Name(), len(plan.DeleteB), b.Name())
	oa.victims, ob.victims = victims(oa.scan), victims(ob.scan)
	if e.boxBrake(oa, ob, name) {
		return nil, 0, false
	}
	srcAB, srcBA := oa.scan.firstOf(plan.CopyAB), ob.scan.firstOf(plan.CopyBA)
	deleting := !e.Opt.NoDelete && !e.Opt.Simulate
	for _, x := range []struct {
		o      *openSide
		copies []int32
	}{{oa, srcAB}, {ob, srcBA}} {
		var gone []int32
		if deleting {
			gone = x.o.victims
		}
		if err := e.loadDetails(ctx, x.o, needed(x.copies, gone)); err != nil {
			if !e.goneIn(err, x.o.side) {
				r.Errf("Error: %v\n", err)
			}
			return nil, 0, false
		}
	}
	remain = len(plan.Kept)
	ok = true

	r.Debugf(" Copying messages from store %q to store %q", a.Name(), b.Name())
	r.Debugf("Opening %s with options 2", FullName(a.Cfg, a.Boxes.Delim, name))
	nab, okab := e.copyAll(ctx, oa, ob, plan.CopyAB, srcAB, "->", " >")
	r.Debugf(" Copying messages from store %q to store %q", b.Name(), a.Name())
	r.Debugf("Opening %s with options 2", FullName(b.Cfg, b.Boxes.Delim, name))
	nba, okba := e.copyAll(ctx, ob, oa, plan.CopyBA, srcBA, "<-", "< ")
	ok = okab && okba

	r.Out("\n")
	if nab > 0 {
		r.Outf("%d copied %s->%s.\n", nab, a.Name(), b.Name())
	}
	if nba > 0 {
		r.Outf("%d copied %s->%s.\n", nba, b.Name(), a.Name())
	}
	e.remainLine(name, remain)

	if ctx.Err() != nil {
		return nil, remain, false // interrupted: change nothing more
	}
	if deleting {
		if !e.deleteAndExpunge(ctx, oa, ob, name) {
			ok = false
		}
	}
	kept = t.state(plan.Kept)
	return kept, remain, ok
}

// remainLine prints how many messages remain in box name after its sync.
func (e *Engine) remainLine(name string, remain int) {
	if e.Opt.Long {
		e.R.Outf("%d messages remain in %s\n", remain, name)
	} else if remain == 1 {
		e.R.Out("1 remains.\n")
	} else {
		e.R.Outf("%d remain.\n", remain)
	}
}

// boxHeader prints what starts a box's output in sync and diff mode.
func (e *Engine) boxHeader(name string) {
	if e.Opt.Long {
		e.R.Outf("\n *** %s ***\n\n", name)
		return
	}
	e.R.Outf("%s: ", name)
}

// openAndScan opens a box of one side and reads its ids into t with mark
// (or takes it from prefetch: ahead), then prints what reading it printed.
// cause is the wording 5.2.7 uses when it cannot ("opening and writing"
// for the first store, "fetching of mail ids" for the second).
func (e *Engine) openAndScan(ctx context.Context, s *Side, name string, cause string, ahead <-chan listing, t *idTable, mark uint8) (*openSide, error) {
	full := FullName(s.Cfg, s.Boxes.Delim, name)
	e.R.Debugf("Opening %s with options 2", full)
	if ahead == nil {
		ahead = e.prefetch(ctx, s, name, t, mark)
	}
	l := <-ahead
	err := l.err
	if l.mb != nil {
		e.debugFetching(s, name)
		if err == nil {
			l.out.replay(e.R)
			if n := len(l.scan.dups); n > 0 {
				e.reportDups(n, s.Name())
			}
			return &openSide{side: s, box: name, mb: l.mb, scan: l.scan}, nil
		}
		l.mb.Close()
	}
	if e.storeGone(s, err) {
		return nil, fmt.Errorf("open %s: %w", full, err)
	}
	e.reportOpenError(err, full)
	e.R.Errf("Error: Couldn't access mailbox \"%s\" in store \"%s\" for %s\n       Continuing with next mailbox\n", name, s.Name(), cause)
	return nil, fmt.Errorf("open %s: %w", full, err)
}

// listing is a box opened and read, maybe ahead of its use.
type listing struct {
	mb   store.Mailbox // nil when Open failed
	scan *scanned
	out  *deferredOut // what reading it printed
	err  error
}

// prefetch opens box name of side s and reads its ids into t with mark,
// in the background. It prints nothing: the caller reports, in order.
func (e *Engine) prefetch(ctx context.Context, s *Side, name string, t *idTable, mark uint8) <-chan listing {
	ch := make(chan listing, 1)
	go func() {
		var l listing
		l.mb, l.err = s.Store.Open(ctx, MailboxName(s.Cfg, s.Boxes.Delim, name), e.mode())
		if l.err != nil {
			l.mb = nil
		} else {
			l.scan, l.out, l.err = e.scanBox(ctx, l.mb, e.style(), t, mark, true)
		}
		ch <- l
	}()
	return ch
}

// reportDups prints the duplicate count of one store (4.3, 4.4).
func (e *Engine) reportDups(n int, storeName string) {
	if e.Opt.Long {
		e.R.Outf("%d %s for deletion in %s\n", n, plural(n, "duplicate", "duplicates"), storeName)
	} else {
		e.R.Outf("%d %s in %s, ", n, plural(n, "duplicate", "duplicates"), storeName)
	}
}

// debugFetching prints 5.2.7's -d line naming the mailbox whose ids are
// read, with c-client's full name (a local file's absolute path).
func (e *Engine) debugFetching(s *Side, name string) {
	if d, ok := s.Store.(store.Describer); ok && e.R.Debug {
		e.R.Debugf(" Fetching message id's in mailbox \"%s\"", d.Describe(MailboxName(s.Cfg, s.Boxes.Delim, name)))
	}
}
