package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"

	"github.com/mailsync/mailsync/internal/channel"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/open"
)

// runner holds what every mode needs.
type runner struct {
	ctx    context.Context
	cfg    *config.Config
	opt    *options
	env    store.Env
	rep    *channel.Reporter
	stderr io.Writer
	// progress is the live display on a terminal; nil otherwise.
	progress *termProgress
	// hold, when set, takes what say and the msinfo notes would print,
	// to be printed later in its place (early.go).
	hold *[]func()
}

func newRun(ctx context.Context, cfg *config.Config, opt *options, env store.Env, stdout, stderr io.Writer) *runner {
	rep := channel.NewReporter(stdout, stderr)
	rep.Debug, rep.DebugIMAP, rep.Vb, rep.Vw = opt.debug, opt.debugIMAP, opt.warnIDs, opt.warnings
	return &runner{ctx: ctx, cfg: cfg, opt: opt, env: env, rep: rep, stderr: stderr}
}

// engine returns a sync engine configured from the options.
func (r *runner) engine(sizeLimit uint64) *channel.Engine {
	o := r.opt
	var progress channel.Progress
	if r.progress != nil {
		progress = r.progress
	}
	// Several boxes at once, unless stdout is a terminal: there each
	// box's lines appear as its work goes (and the progress line
	// follows it).
	workers := 0
	if !r.rep.Interactive {
		workers = min(runtime.NumCPU(), 4)
	}
	return &channel.Engine{R: r.rep, Progress: progress, Workers: workers, Opt: channel.Options{
		NoDelete: o.noDelete, Simulate: o.simulate, Long: o.long, ShowIDs: o.showIDs,
		DeleteEmpty: o.deleteEmpty, CopyDeleted: o.copyDeleted, Alg: o.alg, SizeLimit: sizeLimit,
		LimitDeletes: o.limitDeletes, MaxDelete: o.maxDelete,
	}}
}

// say prints ev through the one printer (package channel/event).
func (r *runner) say(ev event.Event) {
	if r.hold != nil {
		r.holdEvent(ev)
		return
	}
	event.Printer{Long: r.opt.long, ShowIDs: r.opt.showIDs, Debug: r.rep.Debug}.Print(r.rep, ev)
}

// sayAll prints evs in order.
func (r *runner) sayAll(evs []event.Event) {
	for _, ev := range evs {
		r.say(ev)
	}
}

// openingStore prints (-d) the connection 5.2.7 opens to list a store on
// a server.
func (r *runner) openingStore(cfg *config.Store) {
	if ev, ok := channel.OpeningStore(cfg, r.rep.DebugIMAP); ok {
		r.say(ev)
	}
}

// openSide opens a store and lists its boxes; on failure it prints why.
func (r *runner) openSide(cfg *config.Store) (*channel.Side, bool) {
	r.openingStore(cfg)
	st, err := open.Store(r.ctx, cfg, r.env)
	if err != nil {
		r.say(event.StoreOpenFailed{Store: cfg.Name, Err: err})
		return nil, false
	}
	boxes, err := channel.ListBoxes(r.ctx, st, cfg, r.rep)
	if err != nil {
		r.say(event.Failed{Err: err})
		st.Close()
		return nil, false
	}
	side := &channel.Side{Cfg: cfg, Store: st, Boxes: boxes}
	r.sayAll(channel.StoreListed(side))
	if len(boxes.Names()) == 0 && r.opt.warnings {
		r.say(event.NoBoxes{})
	}
	return side, true
}

// openMsinfo opens and reads the channel's state; on failure it prints
// 5.2.7's abort lines.
func (r *runner) openMsinfo(ch *config.Channel, readOnly bool) (msinfo.File, msinfo.State, bool) {
	f, err := open.Msinfo(r.ctx, ch.Msinfo, ch.Passwd, msinfo.Options{
		Env: r.env, MD5: r.opt.alg == msgid.MD5, ReadOnly: readOnly,
		// Written at once on stderr, not through the Reporter, as they
		// always were (or held with the rest: early.go).
		Notes: func(n store.Note) {
			print := func() { event.Printer{}.Print(event.Streams{Stderr: r.stderr}, event.Note{Note: n}) }
			if r.hold != nil {
				*r.hold = append(*r.hold, print)
				return
			}
			print()
		},
	})
	var locked *msinfo.LockedError
	if errors.As(err, &locked) {
		r.say(event.Failed{Err: locked})
		return nil, nil, false
	}
	var last msinfo.State
	if err == nil {
		last, err = f.Load(r.ctx, ch.Name)
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		r.say(event.MsinfoOpenFailed{Msinfo: ch.Msinfo, Err: err})
		return nil, nil, false
	}
	return f, last, true
}

// sync runs sync mode for one channel.
func (r *runner) sync(ch *config.Channel) int {
	a, okA := r.cfg.Stores[ch.StoreA]
	b, okB := r.cfg.Stores[ch.StoreB]
	if !okA || !okB {
		missing := ch.StoreB
		if okA {
			missing = ch.StoreA // 5.2.7 names the wrong store (doc/design/behaviour.md#modes)
		}
		event.Printer{}.Print(event.Streams{Stderr: r.stderr}, event.StoreNotConfigured{Channel: ch.Name, Store: missing})
		return 1
	}
	r.say(event.SyncStart{A: a.Name, B: b.Name})
	// Settled boxes are not looked for under -d and -vb (they print
	// what reading a box shows), so their signatures are not gathered.
	r.env.Signatures = !r.rep.Debug && !r.rep.Vb
	var lf *localFirst
	if r.readsEarly(ch, a, b) {
		lf = r.prepareLocal(ch, a, b)
		defer lf.abandon()
	}
	sa, ok := r.openSide(a)
	if !ok {
		return 1
	}
	defer sa.Store.Close()
	sb, ok := lf.takeSide(r, b)
	if !ok {
		return 1
	}
	defer sb.Store.Close()
	r.say(channel.SeenMailboxes(sa, sb))
	f, last, ok := lf.takeMsinfo(r, ch)
	if !ok {
		return 1
	}
	defer f.Close()
	r.sayAll(channel.LastRead(ch.Name, last, sa, sb))
	e, flagPath, lastDigest := lf.takeEngine(r, ch, a, b, last)
	next, res := e.Sync(r.ctx, sa, sb, last)
	status := 0
	if res.Failed {
		status = 1
	}
	// When the brake refused the run the msinfo is left as it was.
	// Commit order (doc/design/flags.md): the flag state with the
	// records of both the new and the old msinfo state, the msinfo, the
	// flag state with the new records alone, the settled book.
	if !r.opt.simulate && r.ctx.Err() == nil && !res.Refused {
		var gen flagstate.Generation
		if ch.FlagSync {
			gen = flagstate.Generation{Digest: flagstate.DigestOf(next, r.md5()), State: next, Records: res.Flags, Keywords: res.Keywords}
		}
		flagsOK := r.saveFlags(ch, flagPath, gen, flagstate.Generation{Digest: lastDigest, State: last, Records: e.LastFlags, Keywords: e.LastKeywords})
		if err := f.Save(r.ctx, ch.Name, next); err != nil {
			r.say(event.MsinfoWriteFailed{Msinfo: ch.Msinfo, Err: err})
			status = 1
		} else if !flagsOK || !r.saveFlags(ch, flagPath, gen) {
			status = 1 // the settled book is not written
		} else {
			r.forgetFlags(ch)
			if err := e.Book.Save(); err != nil {
				// A book that cannot be written only costs speed.
				r.say(event.SettledNotSaved{Err: err})
			}
		}
	}
	if r.ctx.Err() != nil {
		r.say(event.Interrupted{})
		status = 1
	}
	return status
}

// diff runs diff mode: one store against the channel's msinfo.
func (r *runner) diff(ch *config.Channel, s *config.Store) int {
	if s.Name != ch.StoreA && s.Name != ch.StoreB {
		event.Printer{}.Print(event.Streams{Stderr: r.stderr}, event.NotInChannel{Channel: ch.Name, Store: s.Name})
		return 1
	}
	r.say(event.DiffStart{Store: s.Name})
	side, ok := r.openSide(s)
	if !ok {
		return 1
	}
	defer side.Store.Close()
	// 5.2.7 opens and lists the store a second time (as the channel's
	// other store).
	r.openingStore(s)
	r.sayAll(channel.StoreListed(side))
	r.say(channel.SeenMailboxes(side, side))
	f, last, ok := r.openMsinfo(ch, true)
	if !ok {
		return 1
	}
	defer f.Close()
	r.sayAll(channel.LastRead(ch.Name, last, side, side))
	e := r.engine(ch.SizeLimit)
	r.loadFlags(ch, e, last)
	other := ch.StoreA
	if s.Name == ch.StoreA {
		other = ch.StoreB
	}
	otherCfg := r.cfg.Stores[other]
	if otherCfg == nil {
		otherCfg = &config.Store{Name: other}
	}
	if e.Diff(r.ctx, side, otherCfg, last).Failed {
		return 1
	}
	return 0
}

// list runs list mode for one store.
func (r *runner) list(s *config.Store) int {
	r.say(event.ListStart{Store: s.Name})
	side, ok := r.openSide(s)
	if !ok {
		return 1
	}
	defer side.Store.Close()
	e := r.engine(0)
	if e.List(r.ctx, side).Failed {
		return 1
	}
	return 0
}

// settledBook opens the book of the channel's settled boxes (package
// settled) in the cache directory. Its identity is everything that makes
// the channel's boxes and ids what they are.
func (r *runner) settledBook(ch *config.Channel, a, b *config.Store) *settled.Book {
	dir := ""
	if r.env.CacheDir != "" {
		dir = filepath.Join(r.env.CacheDir, "settled")
	}
	id := fmt.Sprintf("channel %q msinfo %q home %q alg %d\n", ch.Name, ch.Msinfo, r.env.Home, r.opt.alg)
	for _, s := range []*config.Store{a, b} {
		id += fmt.Sprintf("store %q server %q ref %q pat %q prefix %q\n", s.Name, s.Server, s.Ref, s.Pat, s.Prefix)
	}
	if ch.FlagSync {
		// A box settled under "flags copy" may hold flag changes.
		id += "flags sync\n"
	}
	return settled.Open(dir, id)
}

// loadFlags turns flags sync on in e for a channel with "flags sync" and
// gives it the records of the last sync (none when the flag state is
// missing, damaged or of another msinfo state: doc/design/flags.md). It
// returns the flag state file's path ("" without flags sync) and the
// digest of last.
func (r *runner) loadFlags(ch *config.Channel, e *channel.Engine, last msinfo.State) (string, flagstate.Digest) {
	if !ch.FlagSync {
		return "", flagstate.Digest{}
	}
	e.Opt.FlagSync = true
	d := flagstate.DigestOf(last, r.md5())
	path, err := open.FlagStatePath(ch.Msinfo, r.env)
	if err != nil {
		return "", d // the msinfo itself was opened: not met
	}
	e.LastFlags, e.LastKeywords = flagstate.LoadWithKeywords(path, ch.Name, d, last)
	return path, d
}

// md5 reports whether ids are md5 sums (-t md5).
func (r *runner) md5() bool { return r.opt.alg == msgid.MD5 }

// forgetFlags drops the flag records of a channel without flags sync
// whose msinfo was just written, if its flag state file holds any: they
// no longer describe what both sides agreed on (doc/design/flags.md,
// "Switching off and on"). It costs a look for a missing file.
func (r *runner) forgetFlags(ch *config.Channel) {
	if ch.FlagSync {
		return
	}
	path, err := open.FlagStatePath(ch.Msinfo, r.env)
	if err == nil {
		err = flagstate.Forget(path, ch.Name)
	}
	if err != nil {
		r.say(event.FlagRecordsNotDropped{Err: err})
	}
}

// saveFlags writes the channel's flag state (flags sync only) and
// reports whether it could; it prints why not.
func (r *runner) saveFlags(ch *config.Channel, path string, gens ...flagstate.Generation) bool {
	if !ch.FlagSync {
		return true
	}
	if path == "" {
		return false
	}
	if err := flagstate.Save(path, ch.Name, gens...); err != nil {
		r.say(event.Failed{Err: err})
		return false
	}
	return true
}
