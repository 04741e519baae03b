package channel

import (
	"context"
	"slices"
	"sync"

	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// Reading the second side early (doc/design/engine.md, "Early reads").
// While the first store, a server, is still logging in, the caller may
// have the engine read some boxes of the second, local store: those the
// run is sure to read, because their local signature is not the one the
// settled book recorded (Entry.Check then always reads that side). A box
// read early is used by its sync as a side read ahead (preread): its id
// table, made from the same last state, gets the first side's ids too,
// and the signature recorded for it in the book is the one taken before
// the early read, never a later one ("signature before read", settled.go).
// A read the run cannot use (another last state, another mailbox, a box
// the run does not read) is closed unused.

// earlyRead is one box of the second side read early.
type earlyRead struct {
	side    *Side
	mailbox string
	last    []string       // the ids its table was made from
	sig     []byte         // the box's signature, taken before the read
	t       *idtable.Table // made from last, the box's ids entered as SideB
	l       <-chan listing
}

// earlyReads are the boxes read early, by pair name; shared by the
// engines of boxes synchronised at once.
type earlyReads struct {
	mu sync.Mutex
	m  map[string]*earlyRead
}

// ReadEarly starts reading, in the background, at most n boxes of b (the
// second side of the coming Sync, with last its last state) that Sync
// will read whatever the first side holds. It needs the settled book and
// signatures (none under -d and -vb: then it reads nothing).
func (e *Engine) ReadEarly(ctx context.Context, b *Side, last msinfo.State, n int) {
	signer, ok := b.Store.(store.Signer)
	if !ok || e.Book == nil || e.R.Debug || e.R.Vb {
		return
	}
	reads := &earlyReads{m: map[string]*earlyRead{}}
	for _, name := range b.Boxes.Names() {
		if len(reads.m) == n {
			break
		}
		box, _ := b.Boxes.Lookup(name)
		ids := last[name]
		if box.NoSelect || len(ids) == 0 {
			continue // not read, or copied whole (handleBox)
		}
		x := b.box(name)
		// No signature (a file changed too recently to tell: filesig)
		// never matches the book: such a box is always read.
		sig, ok := signer.Signature(ctx, x.mailbox)
		if !ok {
			sig = nil
		}
		if entry, found := e.Book.Lookup(name); found && entry.SettledB(sig, settled.DigestOf(ids)) {
			continue // unchanged here: read only if the first side asks
		}
		t := idtable.New(ids)
		reads.m[name] = &earlyRead{side: b, mailbox: x.mailbox, last: ids, sig: sig, t: t,
			l: e.prefetch(ctx, x, t, idtable.SideB)}
	}
	e.early = reads
}

// takeEarly returns the early read of box x (the second side's) for last
// state last, if there is one the sync can use; one it cannot use is
// closed.
func (e *Engine) takeEarly(x sideBox, last []string) *earlyRead {
	if e.early == nil {
		return nil
	}
	e.early.mu.Lock()
	er := e.early.m[x.name]
	delete(e.early.m, x.name)
	e.early.mu.Unlock()
	if er == nil {
		return nil
	}
	if er.side != x.side || er.mailbox != x.mailbox || x.whole || !slices.Equal(er.last, last) {
		er.close()
		return nil
	}
	return er
}

// close closes an early read the run does not use.
func (er *earlyRead) close() {
	if er == nil {
		return
	}
	if l := <-er.l; l.mb != nil {
		l.mb.Close()
	}
}

// preread is the early read as one side read ahead.
func (er *earlyRead) preread() *preread {
	return &preread{t: er.t, side: 1, l: <-er.l}
}

// DropEarly closes the boxes read early that no sync used (Sync does it
// when it ends; a caller that does not run Sync after ReadEarly calls it).
func (e *Engine) DropEarly() {
	if e.early == nil {
		return
	}
	e.early.mu.Lock()
	left := e.early.m
	e.early.m = map[string]*earlyRead{}
	e.early.mu.Unlock()
	for _, er := range left {
		er.close()
	}
}
