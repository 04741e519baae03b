package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

func vanishedErr(box, gone string, n int, here string) string {
	return fmt.Sprintf("Error: mailbox %s is no longer listed in store %s, so %d %s of it in store %s would be deleted; "+
		"skipping this mailbox. If it was really removed or renamed, run with --max-delete=100.\n",
		box, gone, n, event.Plural(n, "message", "messages"), here)
}

// removeBox deletes box from st: it is no longer listed.
func removeBox(t *testing.T, st *memory.Store, box string) {
	t.Helper()
	if err := st.Delete(context.Background(), box); err != nil {
		t.Fatal(err)
	}
}

// TestVanishedBoxSkipped (D17): a box no longer listed on one side while
// the other holds the messages the msinfo remembers for it is skipped
// with an error, whatever the options but --max-delete=100: nothing is
// created, nothing deleted, its msinfo entry kept; the other boxes sync.
func TestVanishedBoxSkipped(t *testing.T) {
	for _, gone := range []string{"a", "b"} {
		for _, opt := range []Options{{}, {NoDelete: true}, {Simulate: true, NoDelete: true}, {DeleteEmpty: true}, {LimitDeletes: true, MaxDelete: 99}} {
			for _, workers := range []int{0, 4} {
				t.Run(fmt.Sprintf("%s/%+v/%d", gone, opt, workers), func(t *testing.T) {
					w := syncedWorld(t, fourBoxes...)
					st, here := w.b, "a"
					if gone == "a" {
						st, here = w.a, "b"
					}
					removeBox(t, st, "lists")
					w.put(t, w.a, "inbox", "<new@x>", "new", 0)
					last := w.last
					before := contents(map[string]*memory.Store{"a": w.a, "b": w.b}[here])
					out, errs, failed := w.runAt(t, opt, workers)
					check(t, "stderr", errs, vanishedErr("lists", gone, 4, here))
					check(t, "failed", failed, true)
					check(t, "stdout", out, "inbox: \n1 copied a->b.\n5 remain.\ntrash: \n4 remain.\nwork: \n4 remain.\n")
					if !opt.Simulate {
						check(t, "state of lists", w.last["lists"], last["lists"])
						check(t, "state of inbox", len(w.last["inbox"]), 5)
					}
					after := contents(map[string]*memory.Store{"a": w.a, "b": w.b}[here])
					check(t, "lists where listed", after["lists"], before["lists"])
					if _, ok := contents(st)["lists"]; ok {
						t.Error("lists was created again")
					}
				})
			}
		}
	}
}

// TestVanishedBoxLifted: --max-delete=100 does what 5.2.7 does: the box
// is created empty and its messages deleted on the other side.
func TestVanishedBoxLifted(t *testing.T) {
	w := syncedWorld(t, fourBoxes...)
	removeBox(t, w.b, "lists")
	out, errs, failed := w.run(t, Options{LimitDeletes: true, MaxDelete: 100})
	check(t, "stderr", errs, "")
	check(t, "failed", failed, false)
	check(t, "stdout", out, "inbox: \n4 remain.\nlists: \n0 remain.\nExpunged 4 mails in store a\ntrash: \n4 remain.\nwork: \n4 remain.\n")
	check(t, "a lists", subjects(w.a, "lists"), []string(nil))
	check(t, "b boxes", w.b.Boxes(), fourBoxes)
}

// A box no longer listed whose remembered messages are gone on the other
// side too deletes nothing: it is created and synchronised. A box that
// the msinfo remembers nothing for is created as in 5.2.7. A box still
// listed but empty is an ordinary deletion (TestOneEmptiedBoxIsADeletion).
func TestVanishedBoxNothingToDelete(t *testing.T) {
	w := syncedWorld(t, "inbox")
	w.put(t, w.a, "lists", "<l@x>", "new in lists", 0)
	w.last["lists"] = []string{"<old@x>"}
	w.put(t, w.a, "fresh", "<f@x>", "fresh", 0)
	out, errs, failed := w.run(t, Options{})
	check(t, "stderr", errs, "")
	check(t, "failed", failed, false)
	check(t, "stdout", out, "fresh: \n1 copied a->b.\n1 remains.\ninbox: \n4 remain.\nlists: \n1 copied a->b.\n1 remains.\n")
	check(t, "state", w.last, msinfo.State{"inbox": w.last["inbox"], "fresh": {"<f@x>"}, "lists": {"<l@x>"}})
}

// TestSimulateShowsCreatedBoxes (D18): under -s a box that would be
// created prints "Creating BOX in STORE" and then what the real run
// prints for it, less what -s never prints (deletion and Expunged
// lines), in every output format, one after the other and at once.
func TestSimulateShowsCreatedBoxes(t *testing.T) {
	for _, from := range []string{"a", "b"} {
		for _, opt := range []Options{{}, {Long: true}, {Long: true, ShowIDs: true}, {NoDelete: true}} {
			for _, workers := range []int{0, 4} {
				t.Run(fmt.Sprintf("%s/%+v/%d", from, opt, workers), func(t *testing.T) {
					setup := func() *world {
						w := newWorld()
						st := map[string]*memory.Store{"a": w.a, "b": w.b}[from]
						w.put(t, st, "only", "<1@x>", "one", 0)
						w.put(t, st, "only", "<1@x>", "one again", 0)
						w.put(t, st, "only", "", "no id", 0)
						w.put(t, st, "only", "<2@x>", "two", 0)
						return w
					}
					sim, real := setup(), setup()
					simOpt := opt
					simOpt.Simulate, simOpt.NoDelete = true, true
					m0 := sim.a.Mutations() + sim.b.Mutations()
					out, errs, failed := sim.runAt(t, simOpt, workers)
					want, wantErrs, _ := real.runAt(t, opt, workers)
					check(t, "failed", failed, false)
					check(t, "stderr", errs, wantErrs)
					to := map[string]string{"a": "b", "b": "a"}[from]
					check(t, "stdout", out, "Creating only in "+to+"\n"+dropLines(want, "Expunged ", "  deleted"))
					check(t, "changes", sim.a.Mutations()+sim.b.Mutations()-m0, 0)
				})
			}
		}
	}
	// With -D a box created empty would be deleted at the end.
	w := newWorld()
	if err := w.a.Create(context.Background(), "empty"); err != nil {
		t.Fatal(err)
	}
	out, _, _ := w.run(t, Options{Simulate: true, NoDelete: true, DeleteEmpty: true})
	check(t, "-s -D", out, "Creating empty in b\nempty: \n0 remain.\nDeleting empty in a\nDeleting empty in b\n")
	out, _, _ = w.run(t, Options{DeleteEmpty: true})
	check(t, "-D", out, "empty: \n0 remain.\nempty: deleting\n  empty\n  empty\n")
}

// dropLines removes the lines of s that begin with one of prefixes.
func dropLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		keep := true
		for _, p := range prefixes {
			keep = keep && !strings.HasPrefix(l, p)
		}
		if keep {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// TestVanishedAndEmptied: a store that hides some remembered boxes and
// shows the others empty is refused as a whole (missing boxes count as
// empty); the boxes no longer listed that come first are skipped on
// their own before that.
func TestVanishedAndEmptied(t *testing.T) {
	w := syncedWorld(t, "archive", "inbox", "work")
	removeBox(t, w.b, "archive")
	removeBox(t, w.b, "work")
	clearBox(t, w.b, "inbox")
	last := w.last
	m0 := w.a.Mutations() + w.b.Mutations()
	out, errs, failed := w.run(t, Options{})
	check(t, "stdout", out, "inbox: ")
	check(t, "stderr", errs, vanishedErr("archive", "b", 4, "a")+emptiedErr("b", 12, 3))
	check(t, "failed", failed, true)
	check(t, "state", w.last, last)
	check(t, "changes", w.a.Mutations()+w.b.Mutations()-m0, 0)
}

// failingOpen is a store whose box bad cannot be opened.
type failingOpen struct {
	store.Store
	bad string
}

func (s failingOpen) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	if name == s.bad {
		return nil, errors.New("disk error")
	}
	return s.Store.Open(ctx, name, mode)
}

// A box no longer listed on one side that cannot be read on the other is
// skipped too: what the msinfo remembers for it is what would go.
func TestVanishedBoxUnreadable(t *testing.T) {
	w := syncedWorld(t, "inbox", "work")
	removeBox(t, w.b, "work")
	var out, errb bytes.Buffer
	r := NewReporter(&out, &errb)
	sa, sb := sidesOf(t, r, failingOpen{w.a, "work"}, w.b)
	e := &Engine{R: r}
	next, res := e.Sync(context.Background(), sa, sb, w.last)
	r.Flush()
	check(t, "stderr", errb.String(), "Error: disk error\n"+vanishedErr("work", "b", 4, "a"))
	check(t, "failed", res.Failed, true)
	check(t, "stdout", out.String(), "inbox: \n4 remain.\n")
	check(t, "state", next, w.last)
	check(t, "b boxes", w.b.Boxes(), []string{"inbox"})
}
