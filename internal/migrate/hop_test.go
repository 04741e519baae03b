package migrate

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/mbox"
)

// side is one store of a channel, as the test sees it.
type side struct {
	name        string // the store's name in the configuration
	f           format
	st          store.Store // the library's view of it (local.Store or imap.Store)
	pat, prefix string
	// paths are the local files and directories the store consists of,
	// relative to the home directory; none for a server.
	paths []string
}

// hop is one channel of a migration: its two stores and the corpus the
// destination must hold afterwards, having travelled path.
type hop struct {
	args     []string // mailsync's arguments: the channel, perhaps -f FILE
	src, dst side
	c        *corpus
	path     []format
	msinfo   string // the channel's msinfo file, relative to home
}

// runHop runs the channel into its empty destination and checks the
// result, then runs it again and checks that the second run does nothing:
// it copies and deletes nothing and changes no file of either store, no
// message on a server and no entry of the msinfo (which, like 5.2.7's, is
// rewritten by every run with a new date in its From_ lines and its
// hidden first message).
func runHop(t *testing.T, h *home, hp hop) {
	t.Helper()
	label := strings.Join(hp.args, " ") + " (" + hp.src.name + "→" + hp.dst.name + ")"
	r := h.run(t, hp.args...)
	t.Logf("%s: first run %v", label, r.took.Round(time.Millisecond))
	checkFirstRun(t, label+" first run", hp.src.name+"->"+hp.dst.name, r, counts(hp.c))
	have := checkStore(t.Context(), t, label, hp.c, hp.path, hp.dst)
	t.Logf("%s: %s has, besides the corpus, the empty boxes %q and the not selectable %q",
		label, hp.dst.name, extraBoxes(hp.c, have), have.noSelect)

	before := takeState(t, h, hp.src, hp.dst)
	// Into MH, parent folders that creating their children made are
	// synchronised in the same run (TestParentFoldersIntoMHInFirstRun pins it).
	lenient := false
	entries := msinfoEntries(t, h.path(hp.msinfo), lenient)
	r2 := h.run(t, hp.args...)
	t.Logf("%s: second run %v", label, r2.took.Round(time.Millisecond))
	checkNoop(t, label+" second run", r2)
	after := takeState(t, h, hp.src, hp.dst)
	if e := msinfoEntries(t, h.path(hp.msinfo), lenient); e != entries {
		t.Errorf("%s: the second run changed the msinfo's entries:\n%s\nthen:\n%s", label, e, entries)
	}
	for _, d := range before.diff(after) {
		t.Errorf("%s: the second run changed %s", label, d)
	}
	if t.Failed() {
		t.Logf("%s: first run's output:\n%s\nsecond run's output:\n%s", label, r.stdout, r2.stdout)
		t.FailNow()
	}
}

// checkStore reads one side through the library and reports every
// difference from the corpus after path.
func checkStore(ctx context.Context, t *testing.T, label string, c *corpus, path []format, s side) *content {
	t.Helper()
	start := time.Now()
	have, err := readStore(ctx, s.st, s.pat, s.prefix)
	if err != nil {
		t.Fatalf("%s: read %s: %v", label, s.name, err)
	}
	for _, e := range verify(c, path, have) {
		t.Errorf("%s: %s: %s", label, s.name, e)
	}
	t.Logf("%s: %s checked in %v", label, s.name, time.Since(start).Round(time.Millisecond))
	return have
}

// state is what a second run must not change: the local files of both
// stores and the messages of a server store.
type state struct {
	files   map[string]fileState
	servers map[string]imapState
}

func takeState(t *testing.T, h *home, sides ...side) state {
	t.Helper()
	st := state{servers: map[string]imapState{}}
	var roots, atimeRoots []string
	for _, s := range sides {
		if len(s.paths) == 0 {
			is, err := snapshotIMAP(t.Context(), s.st, s.pat)
			if err != nil {
				t.Fatal(err)
			}
			st.servers[s.name] = is
			continue
		}
		for _, p := range s.paths {
			if s.f == fmtMH {
				atimeRoots = append(atimeRoots, h.path(p))
			} else {
				roots = append(roots, h.path(p))
			}
		}
	}
	var err error
	if st.files, err = snapshot(roots, atimeRoots); err != nil {
		t.Fatal(err)
	}
	return st
}

// msinfoEntries returns the state a channel's msinfo records: the
// header and text of each entry, without the dates that change with every
// write; dropEmpty leaves out the boxes recorded without messages.
func msinfoEntries(t *testing.T, path string, dropEmpty bool) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	w, err := mbox.ReadWhole(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range w.Messages() {
		b.Write(m.Header)
		b.WriteString("\n")
		lines := strings.SplitAfter(string(m.Body), "\n")
		for i, l := range lines {
			empty := !strings.HasPrefix(l, "<") && (i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "<"))
			if !(dropEmpty && empty) {
				b.WriteString(l)
			}
		}
	}
	return b.String()
}

func (a state) diff(b state) []string {
	out := diffSnapshots(a.files, b.files)
	for name, is := range a.servers {
		for _, d := range diffIMAP(is, b.servers[name]) {
			out = append(out, "on "+name+": "+d)
		}
	}
	return out
}
