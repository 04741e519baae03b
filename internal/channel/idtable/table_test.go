package idtable

import (
	"fmt"
	"reflect"
	"testing"
)

// TestIDTableState: the next state of a box is its kept ids without those
// marked dropped, in byte order; when nothing changed it is the last
// state's own list (no copy of 50,000 ids for a sync that did nothing).
func TestIDTableState(t *testing.T) {
	last := []string{"<1>", "<2>", "<3>"}
	t.Run("unchanged", func(t *testing.T) {
		tb := New(last)
		for _, id := range []string{"<3>", "<1>", "<2>"} {
			tb.Add(id, SideA)
			tb.Add(id, SideB)
		}
		got := tb.State(tb.Decide().Kept)
		if !reflect.DeepEqual(got, last) || &got[0] != &last[0] {
			t.Errorf("state %q is not the last state's own list", got)
		}
	})
	t.Run("dropped", func(t *testing.T) {
		tb := New(last)
		for _, id := range last {
			tb.Add(id, SideA)
			tb.Add(id, SideB)
		}
		tb.Add("<0>", SideA) // to copy; its copy fails
		p := tb.Decide()
		n, _, _ := tb.Add("<0>", 0)
		tb.Drop(n)
		if got, want := tb.State(p.Kept), []string{"<1>", "<2>", "<3>"}; !reflect.DeepEqual(got, want) {
			t.Errorf("state %q, want %q", got, want)
		}
		if last[0] != "<1>" || len(tb.strs) != 4 {
			t.Errorf("the last state changed: %q (table %q)", last, tb.strs)
		}
	})
	t.Run("unsorted last state", func(t *testing.T) {
		tb := New([]string{"<2>", "<1>", "<2>"})
		if tb.shared != 0 || len(tb.strs) != 2 {
			t.Fatalf("table %q shared %d", tb.strs, tb.shared)
		}
		tb.Add("<1>", SideA)
		tb.Add("<1>", SideB)
		if got := tb.State(tb.Decide().Kept); !reflect.DeepEqual(got, []string{"<1>"}) {
			t.Errorf("state %q", got)
		}
	})
	t.Run("nothing kept", func(t *testing.T) {
		if got := New(last).State(nil); got != nil {
			t.Errorf("state %q, want nil", got)
		}
	})
}

// TestIDTableGrows: ids entered in many rounds of growth are all found
// again with their numbers and marks, and a side's repeat is a duplicate.
func TestIDTableGrows(t *testing.T) {
	tb := New([]string{"<a>", "<b>"})
	const n = 5000
	for i := range n {
		if _, dup, _ := tb.Add(fmt.Sprintf("<%d@x>", i), SideA); dup {
			t.Fatalf("id %d: a duplicate on first sight", i)
		}
	}
	for i := range n {
		id := fmt.Sprintf("<%d@x>", i)
		num, dup, _ := tb.Add(id, SideA)
		if !dup || tb.Str(num) != id || tb.marks[num] != SideA {
			t.Fatalf("id %d: number %d (%q), dup %v, marks %b", i, num, tb.Str(num), dup, tb.marks[num])
		}
	}
	if len(tb.strs) != n+2 || 2*len(tb.strs) > len(tb.slots) {
		t.Errorf("%d ids in %d slots", len(tb.strs), len(tb.slots))
	}
	if got := tb.Count(Last, 0); got != 2 {
		t.Errorf("%d ids of the last state", got)
	}
}

// TestLookupAndDropped: Lookup finds the ids entered, whether from the
// last state or a side, without marking them; Dropped says what Drop did.
func TestLookupAndDropped(t *testing.T) {
	for _, last := range [][]string{{"<1@x>", "<2@x>"}, {"<2@x>", "<1@x>"}, nil} {
		tb := New(last)
		tb.Add("<3@x>", SideA)
		for _, id := range append(last, "<3@x>") {
			n, ok := tb.Lookup(id)
			if !ok || tb.Str(n) != id {
				t.Errorf("last %q: Lookup(%s) = %d, %v", last, id, n, ok)
			}
		}
		if _, ok := tb.Lookup("<9@x>"); ok {
			t.Errorf("last %q: Lookup found an id never entered", last)
		}
		n, _ := tb.Lookup("<3@x>")
		if tb.Marks(n) != SideA || tb.Dropped(n) {
			t.Errorf("Lookup changed the marks: %v", tb.Marks(n))
		}
		tb.Drop(n)
		if !tb.Dropped(n) {
			t.Error("Dropped after Drop is false")
		}
	}
	if _, ok := New(nil).Lookup("<1@x>"); ok {
		t.Error("an empty table found an id")
	}
}
