package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// A box that the last sync found with nothing to do, and whose two sides
// and msinfo entry are unchanged since (package settled), is not read
// again: Sync prints what syncBox would print for it and keeps its state.

// boxSigs are the signatures of a box's two sides, taken before it is
// read.
type boxSigs struct{ a, b []byte }

// signatures returns the signatures of box name on both sides, or nil
// when the run keeps no book, when either store gives none, or when the
// run prints what only reading a box shows (-d, -vb).
func (e *Engine) signatures(ctx context.Context, a, b *Side, name string) *boxSigs {
	if e.Book == nil || e.R.Debug || e.R.Vb {
		return nil
	}
	sa, okA := a.Store.(store.Signer)
	sb, okB := b.Store.(store.Signer)
	if !okA || !okB {
		return nil
	}
	x, okA := sa.Signature(ctx, a.Mailbox(name))
	if !okA {
		return nil
	}
	y, okB := sb.Signature(ctx, b.Mailbox(name))
	if !okB {
		return nil
	}
	return &boxSigs{a: x, b: y}
}

// skipSettled reports whether box name is settled with signatures sigs
// and last state last; it then prints what its sync would print and
// keeps its book entry.
func (e *Engine) skipSettled(a, b *Side, name string, sigs *boxSigs, last []string) bool {
	if sigs == nil {
		return false
	}
	entry, ok := e.Book.Lookup(name)
	if !ok || !entry.Matches(sigs.a, sigs.b, settled.DigestOf(last)) {
		return false
	}
	e.Book.Keep(name, entry)
	n := len(last)
	e.boxHeader(name)
	e.R.Notef("%s: %d messages in %s, %d in %s; %d to copy %s->%s, %d %s->%s; %d to delete in %s, %d in %s (settled)",
		name, n, a.Name(), n, b.Name(), 0, a.Name(), b.Name(), 0, b.Name(), a.Name(), 0, a.Name(), 0, b.Name())
	e.R.Out("\n")
	e.remainLine(name, n)
	return true
}

// recordSettled enters box name in the book: its sync, which began with
// signatures sigs, found nothing to do and kept kept.
func (e *Engine) recordSettled(name string, sigs *boxSigs, kept []string) {
	if sigs != nil {
		e.Book.Keep(name, settled.Entry{A: sigs.a, B: sigs.b, IDs: settled.DigestOf(kept)})
	}
}
