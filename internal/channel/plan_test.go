package channel

import (
	"reflect"
	"testing"
)

func set(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func TestDecide(t *testing.T) {
	cases := []struct {
		name       string
		a, b, last map[string]bool
		want       Plan
	}{
		{"first sync", set("<1>", "<2>"), set("<3>"), set(),
			Plan{CopyAB: []string{"<1>", "<2>"}, CopyBA: []string{"<3>"}, Kept: []string{"<1>", "<2>", "<3>"}}},
		{"no-op", set("<1>"), set("<1>"), set("<1>"), Plan{Kept: []string{"<1>"}}},
		{"deleted in B", set("<1>", "<2>"), set("<2>"), set("<1>", "<2>"),
			Plan{DeleteA: []string{"<1>"}, Kept: []string{"<2>"}}},
		{"deleted in A", set("<2>"), set("<1>", "<2>"), set("<1>", "<2>"),
			Plan{DeleteB: []string{"<1>"}, Kept: []string{"<2>"}}},
		{"gone on both", set(), set(), set("<1>"), Plan{Forgotten: 1}},
		{"present on both, not in last", set("<1>"), set("<1>"), set(), Plan{Kept: []string{"<1>"}}},
		{"byte order", set("<fold@x>", "<bare@x>", "<B@x>"), set(), set(),
			Plan{CopyAB: []string{"<B@x>", "<bare@x>", "<fold@x>"}, Kept: []string{"<B@x>", "<bare@x>", "<fold@x>"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Decide(c.a, c.b, c.last)
			if !reflect.DeepEqual(normal(got), normal(c.want)) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// normal maps empty slices to nil so DeepEqual compares contents.
func normal(p Plan) Plan {
	for _, s := range []*[]string{&p.CopyAB, &p.CopyBA, &p.DeleteA, &p.DeleteB, &p.Kept} {
		if len(*s) == 0 {
			*s = nil
		}
	}
	return p
}

func TestSortBoxNames(t *testing.T) {
	names := []string{"top", "", "dir/sub", "inbox", "dir", "other", "dir/deeper/deep", "dir/deeper"}
	SortBoxNames(names)
	want := []string{"dir/deeper/deep", "dir/deeper", "dir/sub", "inbox", "other", "dir", "top", ""}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q want %q", names, want)
	}
}
