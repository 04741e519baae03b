package idtable

import (
	"reflect"
	"testing"
)

func set(ids ...string) []string { return ids }

// strPlan is a Plan with its ids as strings.
type strPlan struct {
	CopyAB, CopyBA, DeleteA, DeleteB, Kept []string
	Forgotten                              int
}

// decide runs Decide on a table holding the ids of both sides (each
// side's list may repeat an id) and of the last state.
func decide(a, b, last []string) strPlan {
	t := New(last)
	for _, id := range a {
		t.Add(id, SideA)
	}
	for _, id := range b {
		t.Add(id, SideB)
	}
	p := t.Decide()
	strs := func(ns []int32) []string {
		var out []string
		for _, n := range ns {
			out = append(out, t.Str(n))
		}
		return out
	}
	return strPlan{CopyAB: strs(p.CopyAB), CopyBA: strs(p.CopyBA), DeleteA: strs(p.DeleteA), DeleteB: strs(p.DeleteB),
		Kept: strs(p.Kept), Forgotten: p.Forgotten}
}

func TestDecide(t *testing.T) {
	cases := []struct {
		name       string
		a, b, last []string
		want       strPlan
	}{
		{"first sync", set("<1>", "<2>"), set("<3>"), set(),
			strPlan{CopyAB: []string{"<1>", "<2>"}, CopyBA: []string{"<3>"}, Kept: []string{"<1>", "<2>", "<3>"}}},
		{"no-op", set("<1>"), set("<1>"), set("<1>"), strPlan{Kept: []string{"<1>"}}},
		{"deleted in B", set("<1>", "<2>"), set("<2>"), set("<1>", "<2>"),
			strPlan{DeleteA: []string{"<1>"}, Kept: []string{"<2>"}}},
		{"deleted in A", set("<2>"), set("<1>", "<2>"), set("<1>", "<2>"),
			strPlan{DeleteB: []string{"<1>"}, Kept: []string{"<2>"}}},
		{"gone on both", set(), set(), set("<1>"), strPlan{Forgotten: 1}},
		{"present on both, not in last", set("<1>"), set("<1>"), set(), strPlan{Kept: []string{"<1>"}}},
		{"duplicates and repeated last ids", set("<1>", "<2>", "<1>"), set("<2>", "<2>", "<3>"), set("<3>", "<2>", "<3>", "<4>"),
			strPlan{DeleteB: []string{"<3>"}, CopyAB: []string{"<1>"}, Kept: []string{"<1>", "<2>"}, Forgotten: 1}},
		{"byte order", set("<fold@x>", "<bare@x>", "<B@x>"), set(), set(),
			strPlan{CopyAB: []string{"<B@x>", "<bare@x>", "<fold@x>"}, Kept: []string{"<B@x>", "<bare@x>", "<fold@x>"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decide(c.a, c.b, c.last)
			if !reflect.DeepEqual(got, normal(c.want)) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// normal maps empty slices to nil so DeepEqual compares contents.
func normal(p strPlan) strPlan {
	for _, s := range []*[]string{&p.CopyAB, &p.CopyBA, &p.DeleteA, &p.DeleteB, &p.Kept} {
		if len(*s) == 0 {
			*s = nil
		}
	}
	return p
}
