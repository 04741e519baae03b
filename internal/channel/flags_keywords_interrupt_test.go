package channel

import (
	"context"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// keywordView lists the keywords of every message of the memory stores
// of w as "side:box id" → keywords.
func keywordView(w *iworld) map[string]store.Keywords {
	out := map[string]store.Keywords{}
	for _, s := range []*Side{w.a, w.b} {
		st := s.Store.(*faultyStore).Store.(*memory.Store)
		for _, box := range st.Boxes() {
			msgs, _ := st.Contents(box)
			for _, m := range msgs {
				id := strings.TrimPrefix(string(headerLine(m.Header, "Message-ID")), "Message-ID: ")
				out[s.Name()+":"+box+" "+id] = m.Keywords
			}
		}
	}
	return out
}

// keywordScenario is a channel synchronised twice (so the copies' keywords
// are recorded too) in which keywords then change on both sides.
func keywordScenario(t *testing.T) (*iworld, *flagRecords, map[string][2]store.Keywords) {
	t.Helper()
	sc := scenario{
		a: []seed{{"inbox", "<1@x>", "one", 0}, {"inbox", "<2@x>", "two", store.Seen}, {"inbox", "<3@x>", "three", 0}},
		b: []seed{{"work", "<4@x>", "four", 0}},
	}
	w := newIWorld(t, backends[0], sc)
	mem := func(s *Side) *memory.Store { return s.Store.(*faultyStore).Store.(*memory.Store) }
	a, b := mem(w.a), mem(w.b)
	a.SetKeywordsAt("inbox", 1, "work")
	a.SetKeywordsAt("inbox", 2, store.KeywordsOf("x", "y"))
	b.SetKeywordsAt("work", 0, "$Label1")
	recs := &flagRecords{}
	for run := range 2 {
		if failed, out := w.flagsRun(t, context.Background(), recs, bothSaved); failed {
			t.Fatalf("run %d failed:\n%s", run+1, out)
		}
	}
	before := keywordView(w)
	if before["b:inbox <3@x>"] != store.KeywordsOf("x", "y") {
		t.Fatalf("the copies did not get their keywords: %q", before)
	}
	// The user's changes: what no run may undo.
	after := map[string]store.Keywords{
		"a:inbox <1@x>": "$Junk", "b:inbox <2@x>": "", "a:inbox <3@x>": "y",
		"b:inbox <3@x>": store.KeywordsOf("later", "x", "y"), "a:work <4@x>": store.KeywordsOf("$Label1", "todo"),
	}
	a.SetKeywordsAt("inbox", 0, "$Junk")
	b.SetKeywordsAt("inbox", 1, "")
	a.SetKeywordsAt("inbox", 2, "y")
	b.SetKeywordsAt("inbox", 2, store.KeywordsOf("later", "x", "y"))
	a.SetKeywordsAt("work", 0, store.KeywordsOf("$Label1", "todo"))
	changed := map[string][2]store.Keywords{}
	for k, kw := range after {
		if keywordView(w)[k] != kw {
			t.Fatalf("%s is not there", k)
		}
		changed[k] = [2]store.Keywords{before[k], kw}
	}
	return w, recs, changed
}

// TestKeywordsInterruptEveryStep stops a flags sync with keyword changes
// after each of its changes (then the msinfo and flag state are written,
// or nothing, or the run is cancelled) and runs it again: the end state
// is the uninterrupted one, and no keyword a user added or removed is
// ever changed back on its side.
func TestKeywordsInterruptEveryStep(t *testing.T) {
	ref, refRecs, changed := keywordScenario(t)
	n := ref.referenceRun(t, refRecs)
	want := keywordView(ref)
	checkKeywordsNotUndone(t, "the uninterrupted run", want, changed)
	if want["b:inbox <1@x>"] != "$Junk" || want["a:inbox <3@x>"] != store.KeywordsOf("later", "y") {
		t.Fatalf("the uninterrupted run: %q", want)
	}
	scenario := func(t *testing.T) (*iworld, *flagRecords) {
		w, recs, _ := keywordScenario(t)
		return w, recs
	}
	stopAtEveryStep(t, n, scenario, func(what string, w *iworld, final bool) {
		got := keywordView(w)
		checkKeywordsNotUndone(t, what, got, changed)
		if !final {
			return
		}
		for key, kw := range want {
			if got[key] != kw {
				t.Errorf("%s, then rerun: %s has keywords %q, want %q", what, key, got[key], kw)
			}
		}
	})
}

// checkKeywordsNotUndone fails when a keyword a user added (removed) is
// missing (back) on the side where the user changed it.
func checkKeywordsNotUndone(t *testing.T, what string, got map[string]store.Keywords, changed map[string][2]store.Keywords) {
	t.Helper()
	for k, c := range changed {
		g, ok := got[k]
		if !ok {
			continue
		}
		if added := c[1].Minus(c[0]); added.Minus(g) != "" {
			t.Errorf("%s: %s lost %q, which the user added", what, k, added.Minus(g))
		}
		if removed := c[0].Minus(c[1]); removed.Minus(removed.Minus(g)) != "" {
			t.Errorf("%s: %s has %q again, which the user removed", what, k, removed.Minus(removed.Minus(g)))
		}
	}
}
