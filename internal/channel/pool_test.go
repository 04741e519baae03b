package channel

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// pooled is a store that works over a pool of n connections (as an IMAP
// store does).
type pooled struct {
	*memory.Store
	n int
}

func (p pooled) Connections() int { return p.n }

// TestPoolWorkers: a store over a pool of connections raises the number
// of boxes worked on at once to its size (a terminal still gets none);
// with a pool on both sides boxes are taken one after the other, as boxes
// at once could each hold one pool's last connection while waiting for
// the other's.
func TestPoolWorkers(t *testing.T) {
	local := &Side{Store: memory.New()}
	server := &Side{Store: pooled{memory.New(), 4}}
	other := &Side{Store: pooled{memory.New(), 3}}
	cases := []struct {
		name       string
		workers    int
		a, b       *Side
		want       int
		concurrent bool
	}{
		{"local and pool", 2, local, server, 4, true},
		{"pool and local", 1, server, local, 4, true},
		{"terminal", 0, local, server, 0, false},
		{"local only", 2, local, local, 2, true},
		{"two pools", 2, server, other, 3, false},
	}
	for _, c := range cases {
		e := &Engine{Workers: c.workers}
		if got := e.workers(c.a, c.b, 0); got != c.want {
			t.Errorf("%s: workers %d, want %d", c.name, got, c.want)
		}
		if got := e.concurrent(c.a, c.b, 5); got != c.concurrent {
			t.Errorf("%s: concurrent %v, want %v", c.name, got, c.concurrent)
		}
	}
}

// lending is a store over a pool of connections that works on more boxes
// at once than it has connections for boxes copied whole (an IMAP store
// reads them in flight, several on one connection).
type lending struct {
	pooled
	at int
}

func (l lending) BoxesAtOnce() int { return l.at }

// TestPoolWorkersForWholeBoxes: boxes copied whole raise the number of
// boxes worked on at once beyond the pool's connections, by as many as
// there are such boxes, up to what the store works on at once.
func TestPoolWorkersForWholeBoxes(t *testing.T) {
	local := &Side{Store: memory.New()}
	server := &Side{Store: lending{pooled{memory.New(), 4}, 32}}
	for _, c := range []struct{ whole, want int }{{0, 4}, {3, 7}, {28, 32}, {500, 32}} {
		e := &Engine{Workers: 2}
		if got := e.workers(local, server, c.whole); got != c.want {
			t.Errorf("%d boxes copied whole: workers %d, want %d", c.whole, got, c.want)
		}
	}
	if got := (&Engine{Workers: 2}).workers(local, &Side{Store: pooled{memory.New(), 4}}, 500); got != 4 {
		t.Errorf("a pool that does not lend: workers %d, want 4", got)
	}
}

// nearby is a store over a pool of connections whose server answers at
// once (an IMAP store whose NOOP came back within a few milliseconds).
type nearby struct {
	lending
	near bool
}

func (n nearby) Near() bool { return n.near }

// TestPoolWorkersNearServer: a pool whose server is near raises neither
// the number of boxes worked on at once (its boxes wait on a CPU, not on
// the link) nor, for boxes copied whole, beyond it; boxes are still
// worked on at once, as many as e.Workers. A far one raises both.
func TestPoolWorkersNearServer(t *testing.T) {
	local := &Side{Store: memory.New()}
	near := &Side{Store: nearby{lending{pooled{memory.New(), 4}, 32}, true}}
	far := &Side{Store: nearby{lending{pooled{memory.New(), 4}, 32}, false}}
	e := &Engine{Workers: 2}
	for _, c := range []struct {
		name        string
		side        *Side
		whole, want int
	}{{"near", near, 0, 2}, {"near, boxes copied whole", near, 10, 2}, {"far", far, 0, 4}, {"far, boxes copied whole", far, 10, 14}} {
		if got := e.workers(local, c.side, c.whole); got != c.want {
			t.Errorf("%s: workers %d, want %d", c.name, got, c.want)
		}
		if got := e.workers(c.side, local, c.whole); got != c.want {
			t.Errorf("%s (first side): workers %d, want %d", c.name, got, c.want)
		}
	}
	if !e.concurrent(local, near, 5) {
		t.Errorf("near pool: boxes not worked on at once")
	}
}

// dying is a store over a pool of connections that is given up (as a
// server that stops answering) when one of the boxes in gone is opened.
type dying struct {
	pooled
	gone map[string]bool
}

func (d dying) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	if d.gone[name] {
		return nil, fmt.Errorf("open %s: %w", name, store.ErrStoreUnavailable)
	}
	return d.pooled.Open(ctx, name, mode)
}

// TestStoreGoneWhileBoxesAtOnce: a store given up while boxes are worked
// on at once ends the run as one box after the other does: one error
// line, the boxes after it skipped (nothing printed for them) and kept
// at their last state, exit 1.
func TestStoreGoneWhileBoxesAtOnce(t *testing.T) {
	var outs [2]string
	var states [2]msinfo.State
	for i, workers := range []int{0, 4} {
		w := busyWorld(t)
		var out, errb bytes.Buffer
		r := NewReporter(&out, &errb)
		e := &Engine{R: r, Workers: workers}
		gone := map[string]bool{}
		sa, sb := sidesOf(t, r, w.a, dying{pooled{w.b, 4}, gone})
		if workers > 0 && !e.concurrent(sa, sb, 2) {
			t.Fatal("not concurrent")
		}
		names := pairOrder(sa.Boxes, sb.Boxes)
		for _, n := range names[5:] { // the store dies at the sixth box
			gone[n] = true
		}
		next, res := e.Sync(context.Background(), sa, sb, w.last)
		r.Flush()
		outs[i], states[i] = out.String()+"\n--- stderr\n"+errb.String(), next
		if !res.Failed || strings.Count(errb.String(), "Error:") != 1 {
			t.Errorf("workers %d: failed %v, stderr:\n%s\nwant a failure and one error line", workers, res.Failed, errb.String())
		}
		for _, box := range names[5:] {
			if !reflect.DeepEqual(next[box], w.last[box]) {
				t.Errorf("workers %d: box %s recorded %v, want its last state %v", workers, box, next[box], w.last[box])
			}
			if box != names[5] && strings.Contains(out.String(), box+":") {
				t.Errorf("workers %d: box %s was reported after the store was given up", workers, box)
			}
		}
	}
	if outs[1] != outs[0] {
		t.Errorf("boxes at once printed\n%s\nwant, as one after the other:\n%s", outs[1], outs[0])
	}
	if !reflect.DeepEqual(states[1], states[0]) {
		t.Errorf("boxes at once recorded %v, want %v", states[1], states[0])
	}
}
