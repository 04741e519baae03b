package main

import (
	"strings"
	"testing"
)

func TestFlagPlan(t *testing.T) {
	p, err := makePlan(1000)
	if err != nil {
		t.Fatal(err)
	}
	fp := makeFlagPlan(p)
	if len(fp.serverFlag) != p.k || len(fp.localSeen) != p.k {
		t.Fatalf("%d flagged on the server, %d read locally; want %d each", len(fp.serverFlag), len(fp.localSeen), p.k)
	}
	for id := range fp.serverFlag {
		if fp.localSeen[id] {
			t.Errorf("%s both flagged on the server and read locally", id)
		}
		if strings.Contains(fp.before[id], "F") || !strings.Contains(fp.after[id], "F") {
			t.Errorf("%s: before %q, after %q: want F added", id, fp.before[id], fp.after[id])
		}
	}
	for id := range fp.localSeen {
		if strings.Contains(fp.before[id], "S") || !strings.Contains(fp.after[id], "S") {
			t.Errorf("%s: before %q, after %q: want S added", id, fp.before[id], fp.after[id])
		}
	}
	changed := 0
	for id, b := range fp.before {
		if fp.after[id] != b {
			changed++
		}
	}
	if changed != 2*p.k || len(fp.before) != p.n {
		t.Errorf("%d of %d messages change, want %d of %d", changed, len(fp.before), 2*p.k, p.n)
	}
}
