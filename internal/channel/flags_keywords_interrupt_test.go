package channel

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// kwRecords are the records a run leaves for the next: flags and
// keywords.
type kwRecords struct {
	flags    flagstate.Records
	keywords flagstate.KeywordRecords
}

// keywordRun is fsyncRun with keyword records.
func (w *iworld) keywordRun(t *testing.T, ctx context.Context, recs *kwRecords, mode flagSaveMode) (bool, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	r := NewReporter(&stdout, &stderr)
	for _, s := range []*Side{w.a, w.b} {
		boxes, err := ListBoxes(ctx, s.Store, s.Cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		s.Boxes = boxes
	}
	e := &Engine{Opt: Options{FlagSync: true}, R: r, LastFlags: recs.flags, LastKeywords: recs.keywords}
	next, res := e.Sync(ctx, w.a, w.b, w.last)
	r.Flush()
	if ctx.Err() == nil && mode == bothSaved {
		w.last, recs.flags, recs.keywords = next, res.Flags, res.Keywords
	}
	return res.Failed, stdout.String() + stderr.String()
}

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
func keywordScenario(t *testing.T) (*iworld, *kwRecords, map[string][2]store.Keywords) {
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
	recs := &kwRecords{}
	for run := range 2 {
		if failed, out := w.keywordRun(t, context.Background(), recs, bothSaved); failed {
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
	base := ref.faults.count()
	if failed, out := ref.keywordRun(t, context.Background(), refRecs, bothSaved); failed {
		t.Fatalf("uninterrupted run failed:\n%s", out)
	}
	n := ref.faults.count() - base
	want := keywordView(ref)
	checkKeywordsNotUndone(t, "the uninterrupted run", want, changed)
	t.Logf("%d changes", n)
	if want["b:inbox <1@x>"] != "$Junk" || want["a:inbox <3@x>"] != store.KeywordsOf("later", "y") {
		t.Fatalf("the uninterrupted run: %q", want)
	}
	for k := 1; k <= n+1; k++ {
		for _, mode := range []flagSaveMode{bothSaved, noneSaved, cancelled} {
			if k == n+1 && (mode == bothSaved || mode == cancelled) {
				continue
			}
			what := fmt.Sprintf("stopped at change %d of %d, %v", k, n, mode)
			w, recs, _ := keywordScenario(t)
			ctx, cancel := context.WithCancel(context.Background())
			stop := cancel
			if mode != cancelled {
				stop = nil
			}
			w.faults.arm(w.faults.count()+k, stop)
			w.keywordRun(t, ctx, recs, mode)
			cancel()
			w.faults.arm(0, nil)
			checkKeywordsNotUndone(t, what, keywordView(w), changed)
			for run := range 2 {
				if failed, out := w.keywordRun(t, context.Background(), recs, bothSaved); failed {
					t.Errorf("%s: rerun %d failed:\n%s", what, run+1, out)
				}
				checkKeywordsNotUndone(t, what, keywordView(w), changed)
			}
			got := keywordView(w)
			for key, kw := range want {
				if got[key] != kw {
					t.Errorf("%s, then rerun: %s has keywords %q, want %q", what, key, got[key], kw)
				}
			}
		}
	}
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
