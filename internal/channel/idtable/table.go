// Package idtable holds the ids one box's sync deals with: those of both
// sides and of the last state, each once, as numbers with marks saying
// where each occurs, and the three-way decision over them (Decide). It is
// the engine's storage for ids (doc/design/engine.md, "The id table"):
// the sides' message lists hold id numbers, 4 bytes a message, and no set
// of ids is built per side.
package idtable

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Table holds the ids one box's sync deals with, those of both sides
// and of the last state, each once: a number per id, and marks saying
// where it occurs. The sides' message lists hold id numbers (4 bytes a
// message), and the three-way decision reads the marks: no set of ids is
// built per side. An open-addressing hash table of id numbers (4 bytes a
// slot, at most half of them used) finds an id.
//
// The last state is entered first, so that an id already recorded costs
// nothing more when a side has it: the table keeps the last state's
// string, and the side's copy is dropped. A last state in byte order
// without repeats (as every msinfo is written) is the start of the
// table's list itself. The ids first met in a side are copied into
// blocks shared by many (idArena).
//
// Both sides of a box are read at the same time: add locks. Everything
// else is called once the reading is over.
type Table struct {
	mu    sync.Mutex
	strs  []string // the ids, by number
	marks []Mark   // where each id occurs, by number
	slots []int32  // id number + 1; 0 = free
	seed  maphash.Seed
	arena idArena
	// shared is the length of the last state when strs starts with it
	// (the first ids are numbered as the last state lists them).
	shared int
}

// Mark says where an id occurs.
type Mark uint8

// The marks of an id.
const (
	SideA   Mark = 1 << iota // a message of the first side has it
	SideB                    // a message of the second side has it
	Last                     // the last state has it
	dropped                  // not kept: its copy failed or was skipped (Drop)
)

// NoID is the id number of a message without an id (a message the sync
// leaves alone: doc/design/engine.md).
const NoID = -1

// New returns a table holding the ids of the last state, each
// marked Last.
func New(last []string) *Table {
	t := &Table{seed: maphash.MakeSeed()}
	if len(last) == 0 {
		return t
	}
	if !strictlySorted(last) {
		t.strs = make([]string, 0, len(last))
		t.marks = make([]Mark, 0, len(last))
		for _, id := range last {
			t.enter(id, Last, false)
		}
		return t
	}
	// Appending a new id copies the list: last is never written.
	t.strs, t.shared = last[:len(last):len(last)], len(last)
	t.marks = make([]Mark, len(last), len(last)+len(last)/8)
	t.grow()
	for n := range last {
		t.marks[n] = Last
	}
	return t
}

// strictlySorted reports whether ids are in byte order without repeats.
func strictlySorted(ids []string) bool {
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			return false
		}
	}
	return true
}

// Add enters id (if it is new, a copy of it) and marks it; dup reports
// whether the mark was already set (a side's duplicate), last whether the
// last state has it.
func (t *Table) Add(id string, mark Mark) (n int32, dup, last bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, dup = t.enter(id, mark, true)
	return n, dup, t.marks[n]&Last != 0
}

// enter is Add; keep says to keep a copy of id, not id itself.
func (t *Table) enter(id string, mark Mark, keep bool) (n int32, dup bool) {
	if 2*(len(t.strs)+1) > len(t.slots) {
		t.grow()
	}
	k := t.find(id)
	if s := t.slots[k]; s != 0 {
		n = s - 1
	} else {
		n = int32(len(t.strs))
		if keep {
			id = t.arena.keep(id)
		}
		t.strs = append(t.strs, id)
		t.marks = append(t.marks, 0)
		t.slots[k] = n + 1
	}
	dup = t.marks[n]&mark != 0
	t.marks[n] |= mark
	return n, dup
}

// find returns the slot of id: the one holding it, or the free slot where
// it would go.
func (t *Table) find(id string) int {
	mask := len(t.slots) - 1
	k := int(maphash.String(t.seed, id)) & mask
	for {
		s := t.slots[k]
		if s == 0 || t.strs[s-1] == id {
			return k
		}
		k = (k + 1) & mask
	}
}

// grow makes the hash table large enough for one id more than it has
// (twice as large; 16 slots at first) and puts every id back.
func (t *Table) grow() {
	size := max(16, 2*len(t.slots))
	for 2*(len(t.strs)+1) > size {
		size *= 2
	}
	t.slots = make([]int32, size)
	for n, id := range t.strs {
		t.slots[t.find(id)] = int32(n + 1)
	}
}

// Str returns id number n.
func (t *Table) Str(n int32) string { return t.strs[n] }

// Len is the number of ids in the table: id numbers are 0 to Len()-1.
func (t *Table) Len() int { return len(t.strs) }

// Marks returns the marks of id number n.
func (t *Table) Marks(n int32) Mark { return t.marks[n] }

// Drop marks id number n as not kept (its copy failed or was skipped):
// State leaves it out, so the next sync finds it new again.
func (t *Table) Drop(n int32) { t.marks[n] |= dropped }

// byteOrder returns every id number, in byte order of the ids.
func (t *Table) byteOrder() []int32 {
	order := make([]int32, len(t.strs))
	for n := range order {
		order[n] = int32(n)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(t.strs[x], t.strs[y]) })
	return order
}

// Count returns how many ids carry every mark of want and none of not.
func (t *Table) Count(want, not Mark) int {
	c := 0
	for _, m := range t.marks {
		if m&want == want && m&not == 0 {
			c++
		}
	}
	return c
}

// State returns the ids ns (in byte order) that are not marked dropped (Drop):
// a box's next state. When that is the last state unchanged, it is the
// last state's own list.
func (t *Table) State(ns []int32) []string {
	if len(ns) == 0 {
		return nil
	}
	same := t.shared == len(ns)
	for k, n := range ns {
		if n != int32(k) || t.marks[n]&dropped != 0 {
			same = false
			break
		}
	}
	if same {
		return t.strs[:len(ns):len(ns)]
	}
	var ids []string
	for _, n := range ns {
		if t.marks[n]&dropped == 0 {
			if ids == nil {
				ids = make([]string, 0, len(ns))
			}
			ids = append(ids, t.strs[n])
		}
	}
	return ids
}

// idArena keeps copies of ids in blocks of idBlock bytes: one allocation
// per block, not one per id rounded up to a size class (an id of 49
// bytes costs 64 on its own). Bytes handed out are never written again,
// so the strings viewing them stay valid.
type idArena struct{ block []byte }

const idBlock = 32 << 10

// keep returns a copy of id.
func (a *idArena) keep(id string) string {
	if len(id) == 0 || len(id) > idBlock/8 {
		return strings.Clone(id)
	}
	if len(id) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, idBlock)
	}
	n := len(a.block)
	a.block = append(a.block, id...)
	return unsafe.String(&a.block[n], len(id))
}

// Lookup returns the number of id, if the table has it.
func (t *Table) Lookup(id string) (int32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.slots) == 0 {
		return 0, false
	}
	s := t.slots[t.find(id)]
	return s - 1, s != 0
}

// Dropped reports whether id number n is marked not kept (Drop).
func (t *Table) Dropped(n int32) bool { return t.marks[n]&dropped != 0 }
