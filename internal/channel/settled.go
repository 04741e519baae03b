package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// A box that the last sync found with nothing to do, and whose two sides
// and msinfo entry are unchanged since (package settled), is not read
// again: Sync emits the events syncBox would emit for it (package event)
// and keeps its state.

// boxSigs are the signatures of a box's two sides, taken before it is
// read.
type boxSigs struct{ a, b []byte }

// signatures returns the signatures of a box on both sides (a and b), or
// nil when the run keeps no book, when either store gives none, or when
// the run prints what only reading a box shows (-d, -vb).
func (e *Engine) signatures(ctx context.Context, a, b sideBox) *boxSigs {
	if e.Book == nil || e.R.Debug || e.R.Vb {
		return nil
	}
	sa, okA := a.side.Store.(store.Signer)
	sb, okB := b.side.Store.(store.Signer)
	if !okA || !okB {
		return nil
	}
	x, okA := sa.Signature(ctx, a.mailbox)
	if !okA {
		return nil
	}
	y, okB := sb.Signature(ctx, b.mailbox)
	if !okB {
		return nil
	}
	return &boxSigs{a: x, b: y}
}

// skipSettled reports whether a box (a and b: its two sides) is settled
// with signatures sigs and last state last; it then emits what its sync
// would emit and keeps its book entry.
func (e *Engine) skipSettled(a, b sideBox, sigs *boxSigs, last []string) bool {
	if sigs == nil {
		return false
	}
	name := a.name
	entry, ok := e.Book.Lookup(name)
	if !ok || !entry.Matches(sigs.a, sigs.b, settled.DigestOf(last)) {
		return false
	}
	e.Book.Keep(name, entry)
	n := len(last)
	// The events syncBox emits for a box with nothing to do
	// (TestSettledEmitsWhatReadEmits holds the two together).
	e.emit(event.BoxStart{Box: name})
	e.emit(event.Planned{Box: name, A: a.side.Name(), B: b.side.Name(), InA: n, InB: n, Settled: true})
	e.emit(event.Counts{A: a.side.Name(), B: b.side.Name()})
	e.emit(event.Remain{Box: name, N: n})
	return true
}

// recordSettled enters box name in the book: its sync, which began with
// signatures sigs, found nothing to do and kept kept.
func (e *Engine) recordSettled(name string, sigs *boxSigs, kept []string) {
	if sigs != nil {
		e.Book.Keep(name, settled.Entry{A: sigs.a, B: sigs.b, IDs: settled.DigestOf(kept)})
	}
}
