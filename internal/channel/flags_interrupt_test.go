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

// flagSaveMode is what happens to the msinfo and the flag state after a
// run (cmd/mailsync writes the msinfo, then the flag state).
type flagSaveMode int

// A crash between the writes leaves a flag state that holds the records
// of both the old and the new msinfo (doc/design/flags.md, "Commit
// order"): whichever msinfo is then on disk finds its own records, so
// a crash is one of these modes.
const (
	bothSaved flagSaveMode = iota // msinfo and flag state written
	noneSaved                     // the msinfo write failed: the old msinfo and records stay
	cancelled                     // the run is interrupted: nothing written
)

func (m flagSaveMode) String() string {
	return [...]string{"both saved", "none saved", "interrupted"}[m]
}

// flagRecords are the records a run leaves for the next: flags and
// keywords.
type flagRecords struct {
	flags    flagstate.Records
	keywords flagstate.KeywordRecords
}

// flagsRun runs w once with flags sync and applies mode to its msinfo
// and records.
func (w *iworld) flagsRun(t *testing.T, ctx context.Context, recs *flagRecords, mode flagSaveMode) (bool, string) {
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

// referenceRun runs w once without faults, as the run every stopped one
// must converge to, and returns how many changes it made.
func (w *iworld) referenceRun(t *testing.T, recs *flagRecords) int {
	t.Helper()
	base := w.faults.count()
	if failed, out := w.flagsRun(t, context.Background(), recs, bothSaved); failed {
		t.Fatalf("uninterrupted run failed:\n%s", out)
	}
	n := w.faults.count() - base
	t.Logf("%d changes", n)
	return n
}

// stopAtEveryStep stops the run of a fresh scenario after each of its n
// changes, k = 1 to n+1 (the next change fails; then the msinfo and
// records are written, or nothing, or the run is cancelled), and runs it
// again twice without faults. check is called after the stopped run and
// after each rerun (final on the last), with what names the case.
func stopAtEveryStep(t *testing.T, n int, scenario func(*testing.T) (*iworld, *flagRecords), check func(what string, w *iworld, final bool)) {
	t.Helper()
	for k := 1; k <= n+1; k++ {
		for _, mode := range []flagSaveMode{bothSaved, noneSaved, cancelled} {
			if k == n+1 && (mode == bothSaved || mode == cancelled) {
				continue
			}
			what := fmt.Sprintf("stopped at change %d of %d, %v", k, n, mode)
			w, recs := scenario(t)
			ctx, cancel := context.WithCancel(context.Background())
			stop := cancel
			if mode != cancelled {
				stop = nil
			}
			w.faults.arm(w.faults.count()+k, stop)
			w.flagsRun(t, ctx, recs, mode)
			cancel()
			w.faults.arm(0, nil)
			check(what, w, false)
			for run := range 2 {
				if failed, out := w.flagsRun(t, context.Background(), recs, bothSaved); failed {
					t.Errorf("%s: rerun %d failed:\n%s", what, run+1, out)
				}
				check(what, w, run == 1)
			}
		}
	}
}

// flagView lists the flags of every message of the memory stores of w
// as "side:box id flags".
func flagView(w *iworld) map[string]store.Flags {
	out := map[string]store.Flags{}
	for _, s := range []*Side{w.a, w.b} {
		st := s.Store.(*faultyStore).Store.(*memory.Store)
		for _, box := range st.Boxes() {
			msgs, _ := st.Contents(box)
			for _, m := range msgs {
				id := strings.TrimPrefix(string(headerLine(m.Header, "Message-ID")), "Message-ID: ")
				out[s.Name()+":"+box+" "+id] = m.Flags
			}
		}
	}
	return out
}

// headerLine returns the line of header field name in h (CRLF ends).
func headerLine(h []byte, name string) []byte {
	i := bytes.Index(h, []byte(name+": "))
	if i < 0 {
		return nil
	}
	j := bytes.IndexByte(h[i:], '\r')
	return h[i : i+j]
}

// flagScenario is a synchronised channel (with records) in which flags
// then change on both sides, and a message arrives.
func flagScenario(t *testing.T) (*iworld, *flagRecords, map[string][2]store.Flags) {
	t.Helper()
	sc := scenario{
		a: []seed{{"inbox", "<1@x>", "one", 0}, {"inbox", "<2@x>", "two", store.Seen}, {"inbox", "<3@x>", "three", store.Seen | store.Flagged},
			{"inbox", "<4@x>", "four", 0}, {"work", "<5@x>", "five", store.Answered}},
		b: []seed{{"work", "<6@x>", "six", 0}},
	}
	w := newIWorld(t, backends[0], sc)
	flags := &flagRecords{}
	if failed, out := w.flagsRun(t, context.Background(), flags, bothSaved); failed {
		t.Fatalf("first run failed:\n%s", out)
	}
	mem := func(s *Side) *memory.Store { return s.Store.(*faultyStore).Store.(*memory.Store) }
	a, b := mem(w.a), mem(w.b)
	before := flagView(w)
	// The user's changes: what no run may undo.
	after := map[string]store.Flags{
		"a:inbox <1@x>": store.Seen, "b:inbox <2@x>": 0, "a:inbox <3@x>": store.Seen,
		"b:inbox <3@x>": store.Seen | store.Flagged | store.Answered, "b:work <5@x>": store.Answered | store.Draft,
		"a:work <6@x>": store.Flagged,
	}
	a.SetFlagsAt("inbox", 0, store.Seen)
	b.SetFlagsAt("inbox", 1, 0)
	a.SetFlagsAt("inbox", 2, store.Seen)
	b.SetFlagsAt("inbox", 2, store.Seen|store.Flagged|store.Answered)
	b.SetFlagsAt("work", 1, store.Answered|store.Draft) // b's work holds <6@x>, then the copy of <5@x>
	a.SetFlagsAt("work", 1, store.Flagged)
	if err := a.Put("inbox", msg("<7@x>", "seven"), store.Seen, jan1); err != nil {
		t.Fatal(err)
	}
	changed := map[string][2]store.Flags{}
	for k, f := range after {
		if flagView(w)[k] != f {
			t.Fatalf("%s is not there", k)
		}
		changed[k] = [2]store.Flags{before[k], f}
	}
	return w, flags, changed
}

// TestFlagsInterruptEveryStep stops a flags sync after each of its
// changes (the next one fails; then the msinfo and flag state are
// written, or the msinfo only, or nothing, or the run is cancelled) and
// runs it again without faults: the end state is the uninterrupted
// one, and no user's flag change is ever undone on its side.
func TestFlagsInterruptEveryStep(t *testing.T) {
	ref, refFlags, changed := flagScenario(t)
	n := ref.referenceRun(t, refFlags)
	want := flagView(ref)
	checkNotUndone(t, "the uninterrupted run", want, changed)
	scenario := func(t *testing.T) (*iworld, *flagRecords) {
		w, recs, _ := flagScenario(t)
		return w, recs
	}
	stopAtEveryStep(t, n, scenario, func(what string, w *iworld, final bool) {
		checkNotUndone(t, what, flagView(w), changed)
		if !final {
			return
		}
		got := flagView(w)
		for key, f := range want {
			if got[key] != f {
				t.Errorf("%s, then rerun: %s has flags %02x, want %02x", what, key, got[key], f)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s, then rerun: %d messages, want %d", what, len(got), len(want))
		}
		check(t, what+": msinfo", sortedState(w.last), sortedState(ref.last))
	})
}

// checkNotUndone fails when a flag a user changed (from changed[k][0]
// to changed[k][1]) was changed back on the side where the user changed
// it.
func checkNotUndone(t *testing.T, what string, got map[string]store.Flags, changed map[string][2]store.Flags) {
	t.Helper()
	for k, c := range changed {
		mask := (c[0] ^ c[1]) & store.SyncedFlags
		if g, ok := got[k]; ok && g&mask != c[1]&mask {
			t.Errorf("%s: %s changed back: %02x, the user changed %02x to %02x", what, k, g, c[0], c[1])
		}
	}
}
