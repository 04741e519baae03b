package channel

import (
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/msinfo"
)

// The mass-deletion brake. A store that lists no mailbox at all (an
// unmounted disk, a wrong path, a broken server) looks to the three-way
// decision exactly like a store whose mail was deleted: every message the
// msinfo remembers would be deleted on the other side. 5.2.7 does that; the
// clone refuses, unless --max-delete=100 says deletions are not limited.
// With --max-delete=N below 100, a box whose deletions on one side would
// exceed N percent of its messages there is skipped as a whole. The other
// brakes against a broken store are in emptied.go and vanished.go; all
// are described in doc/design/brakes.md.

// storeBrake reports whether the run must be refused because one side
// lists no selectable mailbox while the msinfo remembers messages in boxes
// the other side lists (their deletion would be propagated). It prints
// the reason.
func (e *Engine) storeBrake(a, b *Side, last msinfo.State) bool {
	if e.brakesOff() {
		return false
	}
	for _, p := range [][2]*Side{{a, b}, {b, a}} {
		empty, other := p[0], p[1]
		if selectable(empty.Boxes) > 0 {
			continue
		}
		msgs, boxes := 0, 0
		for _, name := range other.Boxes.Names() {
			if n := len(last[name]); n > 0 {
				msgs += n
				boxes++
			}
		}
		if msgs == 0 {
			continue
		}
		e.emit(event.StoreListsNone{Store: empty.Name(), Msgs: msgs, Boxes: boxes})
		return true
	}
	return false
}

// selectable counts the boxes that can hold messages.
func selectable(b *Boxes) int {
	n := 0
	for _, x := range b.byName {
		if !x.NoSelect {
			n++
		}
	}
	return n
}

// boxBrake reports whether the deletions the plan makes in one side of a
// box exceed --max-delete; it prints which. Deletions count the messages
// that would be flagged (ids deleted on the other side and later
// duplicates) against all messages of the box on that side.
func (e *Engine) boxBrake(oa, ob *openSide) bool {
	if !e.Opt.LimitDeletes || e.Opt.MaxDelete >= 100 || (e.Opt.NoDelete && !e.Opt.Simulate) {
		return false
	}
	for _, o := range []*openSide{oa, ob} {
		total := o.scan.count()
		n := len(o.victims)
		if n == 0 || n*100 <= e.Opt.MaxDelete*total {
			continue
		}
		e.emit(event.TooManyDeletes{Box: o.name, Store: o.side.Name(), N: n, Total: total, Max: e.Opt.MaxDelete})
		return true
	}
	return false
}
