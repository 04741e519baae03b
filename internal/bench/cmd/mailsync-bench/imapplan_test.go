package main

import (
	"slices"
	"testing"
)

func TestFolderOfFollowsShares(t *testing.T) {
	const n = 10000
	count := make([]int, len(imapFolders))
	for i := 0; i < n; i++ {
		count[folderOf(i)]++
	}
	for f, share := range folderShare {
		got := count[f] * 100 / n
		if got < share-2 || got > share+2 {
			t.Errorf("folder %s holds %d%%, want about %d%%", imapFolders[f], got, share)
		}
	}
}

func TestPlanStages(t *testing.T) {
	p, err := makePlan(1000)
	if err != nil {
		t.Fatal(err)
	}
	if p.k != 10 || len(p.serverDel) != 10 || len(p.localDel) != 10 {
		t.Fatalf("k = %d, %d + %d deletions", p.k, len(p.serverDel), len(p.localDel))
	}
	total := func(st stage) (server, local int) {
		for f := range imapFolders {
			s, l := p.want(f, st)
			if !slices.IsSorted(s) || !slices.IsSorted(l) {
				t.Fatalf("stage %d folder %d: unsorted ids", st, f)
			}
			server, local = server+len(s), local+len(l)
		}
		return server, local
	}
	if s, l := total(synced); s != 1000 || l != 1000 {
		t.Errorf("synced: %d on the server, %d local", s, l)
	}
	if s, l := total(changed); s != 1000 || l != 1000 {
		t.Errorf("changed: %d on the server, %d local (10 new and 10 gone on each)", s, l)
	}
	if s, l := total(resynced); s != 1000 || l != 1000 {
		t.Errorf("re-synced: %d on the server, %d local, want 1000-20+20", s, l)
	}
	for f := range imapFolders {
		s, l := p.want(f, resynced)
		if !slices.Equal(s, l) {
			t.Fatalf("folder %d: the two sides differ after the re-sync", f)
		}
		for _, id := range s {
			if p.serverDel[id] || p.localDel[id] {
				t.Fatalf("folder %d: deleted %s still wanted", f, id)
			}
		}
	}
	for id := range p.serverDel {
		if p.localDel[id] {
			t.Fatalf("%s deleted on both sides", id)
		}
	}
}

func TestParseSizes(t *testing.T) {
	for in, want := range map[string][]int{"none": nil, "0": nil, "1000": {1000}, " 200, 10000 ,": {200, 10000}} {
		got, err := parseSizes(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", ",", "x", "-5", "10,none"} {
		if _, err := parseSizes(in); err == nil {
			t.Errorf("parseSizes(%q) accepted", in)
		}
	}
}
