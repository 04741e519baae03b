package main

import (
	"sync"

	"github.com/mailsync/mailsync/internal/channel"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/open"
)

// Local work while the server logs in (doc/design/engine.md, "Early
// reads"). A server takes 15 to 20 ms to greet and log in; a sync whose
// first store is a server and whose second store and msinfo are local
// lists that store, opens the msinfo and the settled book, and starts
// reading boxes of that store (channel.Engine.ReadEarly) before it
// dials. What those steps print is held and printed where it always was:
// the listing after the server's, the msinfo's lines after the boxes
// both stores have, the local store's notes just before the boxes. If
// the server cannot be reached, only its failure is printed, as before
// (and the notes of what the early reads did, which they did).

// readsEarly reports whether a sync of ch works on its second store
// while the first logs in: a server first, local mail and msinfo, and a
// settled book (not under -d or -vb, and with a cache directory).
func (r *runner) readsEarly(ch *config.Channel, a, b *config.Store) bool {
	return a.Server != "" && b.Server == "" && !open.RemoteMsinfo(ch.Msinfo) &&
		r.env.Signatures && r.env.CacheDir != ""
}

// localFirst is the second store, the msinfo and the engine made ready
// before the first store is opened.
type localFirst struct {
	side         *channel.Side // nil when listing it failed
	listing      []func()      // what listing it printed, held
	f            msinfo.File   // nil when opening it failed
	last         msinfo.State
	msinfoOut    []func() // what opening the msinfo printed, held
	e            *channel.Engine
	flagPath     string
	lastDigest   flagstate.Digest
	notes        *noteGate
	held         *runner // the runner that held the lines (its hold)
	handedSide   bool
	handedMsinfo bool
}

// prepareLocal lists store b, opens the msinfo and the settled book of
// ch and starts the early reads, holding what they print.
func (r *runner) prepareLocal(ch *config.Channel, a, b *config.Store) *localFirst {
	lf := &localFirst{notes: &noteGate{print: r.env.Notes}}
	hr := *r
	hr.env.Notes = lf.notes.note
	hr.hold = &lf.listing
	lf.held = &hr
	side, ok := hr.openSide(b)
	if !ok {
		return lf
	}
	lf.side = side
	hr.hold = &lf.msinfoOut
	f, last, ok := hr.openMsinfo(ch, r.opt.simulate)
	if !ok {
		return lf
	}
	lf.f, lf.last = f, last
	lf.e = r.engine(ch.SizeLimit)
	lf.e.Book = r.settledBook(ch, a, b)
	lf.flagPath, lf.lastDigest = r.loadFlags(ch, lf.e, last)
	lf.e.ReadEarly(r.ctx, side, last, max(lf.e.Workers, 1))
	return lf
}

// takeSide returns the second store, listed: prepared (its held lines
// printed now) or, without lf, listed now.
func (lf *localFirst) takeSide(r *runner, b *config.Store) (*channel.Side, bool) {
	if lf == nil {
		return r.openSide(b)
	}
	flush(lf.listing)
	lf.handedSide = lf.side != nil
	return lf.side, lf.handedSide
}

// takeMsinfo returns the msinfo and its last state: opened before (its
// held lines printed now) or, without lf, opened now.
func (lf *localFirst) takeMsinfo(r *runner, ch *config.Channel) (msinfo.File, msinfo.State, bool) {
	if lf == nil {
		return r.openMsinfo(ch, r.opt.simulate)
	}
	flush(lf.msinfoOut)
	lf.held.hold = nil // the msinfo's later notes are printed at once
	lf.handedMsinfo = lf.f != nil
	return lf.f, lf.last, lf.handedMsinfo
}

// takeEngine returns the engine with its settled book and flag records
// (the flag state's path and the digest of last, as loadFlags): made
// before, its early reads going on, the second store's notes from now on
// printed as they come; or, without lf, made now.
func (lf *localFirst) takeEngine(r *runner, ch *config.Channel, a, b *config.Store, last msinfo.State) (*channel.Engine, string, flagstate.Digest) {
	if lf == nil {
		e := r.engine(ch.SizeLimit)
		e.Book = r.settledBook(ch, a, b)
		flagPath, lastDigest := r.loadFlags(ch, e, last)
		return e, flagPath, lastDigest
	}
	lf.notes.release()
	return lf.e, lf.flagPath, lf.lastDigest
}

// abandon closes what prepareLocal opened and the sync did not take; the
// notes of what it did are printed.
func (lf *localFirst) abandon() {
	if lf == nil {
		return
	}
	if lf.e != nil {
		lf.e.DropEarly()
	}
	if lf.f != nil && !lf.handedMsinfo {
		lf.f.Close()
	}
	if lf.side != nil && !lf.handedSide {
		lf.side.Store.Close()
	}
	lf.notes.release()
}

// flush prints held lines.
func flush(held []func()) {
	for _, p := range held {
		p()
	}
}

// noteGate holds the notes of the second store (a stale lock taken over
// by an early read) until release, then passes them on.
type noteGate struct {
	mu       sync.Mutex
	released bool
	held     []store.Note
	print    func(store.Note)
}

func (g *noteGate) note(n store.Note) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.released {
		g.held = append(g.held, n)
		return
	}
	if g.print != nil {
		g.print(n)
	}
}

// release prints the held notes, and every later one at once.
func (g *noteGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.released {
		return
	}
	g.released = true
	for _, n := range g.held {
		if g.print != nil {
			g.print(n)
		}
	}
	g.held = nil
}

// holdEvent appends ev to r's held lines, to be printed by r's original.
func (r *runner) holdEvent(ev event.Event) {
	out := *r
	out.hold = nil
	*r.hold = append(*r.hold, func() { out.say(ev) })
}
