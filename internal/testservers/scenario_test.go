package testservers_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/testbin"
	"github.com/mailsync/mailsync/internal/testservers"
)

// config is the scenario's ~/.mailsync: the server folders INBOX.s.*
// against mbox files in mail/, once with a local msinfo (ch) and once
// with the msinfo on the server (chs).
func config(w *world) string {
	return fmt.Sprintf(`store srv {
	server	%[1]s
	ref	%[1]s
	pat	INBOX.s.%%
	prefix	INBOX.s.
	passwd	secret
}
store loc {
	pat	mail/%%
	prefix	mail/
}
channel ch srv loc {
	msinfo	.msinfo
}
channel chs srv loc {
	msinfo	%[1]sINBOX.msinfo
	passwd	secret
}
`, w.spec())
}

// pair is the two worlds of a scenario: 5.2.7's and the clone's, with
// accounts of their own on one server and identical mail.
type pair struct{ ref, ours *world }

func newPair(t *testing.T, s *testservers.Server) pair {
	if _, err := os.Stat(refBin); err != nil {
		testbin.MissingTool(t, fmt.Sprintf("mailsync 5.2.7 (%s) is not installed: %v", refBin, err))
	}
	return pair{newWorld(t, s, refBin, "ref"), newWorld(t, s, clone(t), "ours")}
}

// each does f in both worlds.
func (p pair) each(f func(w *world)) { f(p.ref); f(p.ours) }

// step runs both programs with args at once and reports where the
// clone's output differs from 5.2.7's; it returns the clone's output.
func (p pair) step(t *testing.T, args ...string) string {
	t.Helper()
	var want, got string
	var wg sync.WaitGroup
	wg.Go(func() { want = p.ref.run(args...) })
	wg.Go(func() { got = p.ours.run(args...) })
	wg.Wait()
	want, got = unauthorized(want), unauthorized(got)
	if got != want {
		t.Errorf("mailsync %s: output differs from 5.2.7\n5.2.7:\n%s\nclone:\n%s", strings.Join(args, " "), want, got)
	}
	return got
}

// same reports where the two worlds' mail differs.
func (p pair) same(t *testing.T, when string) {
	t.Helper()
	if a, b := p.ref.serverState(), p.ours.serverState(); a != b {
		t.Errorf("%s: server folders differ\n5.2.7:\n%s\nclone:\n%s", when, a, b)
	}
	if a, b := p.ref.localState(), p.ours.localState(); a != b {
		t.Errorf("%s: local folders differ\n5.2.7:\n%s\nclone:\n%s", when, a, b)
	}
}

// unauthorized drops the "Authorizing against" notes: how many 5.2.7
// prints varies with the connections its mail library opens (one more
// before -D's deletions; on Courier even in the middle of a line), the
// clone prints one per login.
func unauthorized(out string) string {
	return strings.ReplaceAll(out, "Authorizing against {localhost/imap}\n", "")
}

var scenarioUsers = []testservers.User{{Name: "ref", Password: "secret"}, {Name: "ours", Password: "secret"}}

// TestScenarioAgainst5_2_7 syncs, re-syncs (no-op), propagates deletions
// both ways, simulates (-s), deletes emptied boxes (-D) and keeps the
// msinfo on the server, against Cyrus and Courier over plain IMAP, and
// compares every step's output and the resulting mail with 5.2.7's.
func TestScenarioAgainst5_2_7(t *testing.T) {
	for _, k := range []testservers.Kind{testservers.Cyrus, testservers.Courier} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := testservers.Start(t, k, testservers.Options{Users: scenarioUsers})
			p := newPair(t, s)
			p.each(func(w *world) {
				w.write(".mailsync", config(w))
				w.write(".msinfo", "") // 5.2.7 opens it, never creates it
				w.putServer("INBOX.s.work", message("both", "both"), message("srv1", "srv1"), message("srv2", "srv2"))
				w.putServer("INBOX.s.gone", message("g1", "g1"))
				w.write("mail/work", mboxOf(message("both", "both"), message("loc1", "loc1"), message("loc2", "loc2")))
				w.write("mail/onlylocal", mboxOf(message("ol", "ol")))
			})

			p.step(t, "ch") // first sync: copies both ways, creates INBOX.s.onlylocal and mail/gone
			p.same(t, "after the first sync")
			if got := p.ours.serverState(); !strings.Contains(got, "INBOX.s.work: both, loc1, loc2, srv1, srv2\n") {
				t.Errorf("server after the first sync:\n%s", got)
			}
			p.step(t, "ch") // no-op

			// Deletions both ways.
			p.each(func(w *world) {
				w.deleteServer("INBOX.s.work", "srv1")
				w.deleteLocal("mail/work", "loc1")
			})
			p.step(t, "ch")
			p.same(t, "after the deletions")
			if got := p.ours.localState(); !strings.Contains(got, "work: both, loc2, srv2\n") {
				t.Errorf("local after the deletions:\n%s", got)
			}

			// -s shows what would happen and changes nothing.
			p.each(func(w *world) { w.putServer("INBOX.s.work", message("new", "new")) })
			before := p.ours.localState()
			p.step(t, "-s", "ch")
			if after := p.ours.localState(); after != before {
				t.Errorf("-s changed the local side:\n%s\nthen\n%s", before, after)
			}
			p.step(t, "ch")

			// -D: a box emptied on one side goes on both.
			p.each(func(w *world) { w.deleteServer("INBOX.s.gone", "g1") })
			p.step(t, "-D", "ch")
			p.same(t, "after -D")
			if got := p.ours.serverState(); strings.Contains(got, "INBOX.s.gone") {
				t.Errorf("-D left INBOX.s.gone:\n%s", got)
			}

			// The msinfo on the server: first sync and no-op compare; 5.2.7
			// never reads it back (doc/design/decisions.md#d6-imap-msinfo), so
			// deletions are the clone's alone. On Cyrus 5.2.7 cannot write it
			// at all: it APPENDs the entry with bare LFs, which Cyrus refuses
			// ("Message contains bare newlines").
			if k == testservers.Cyrus {
				out := p.ref.run("chs")
				if !strings.Contains(out, "Error: Message contains bare newlines") {
					t.Errorf("5.2.7 wrote its msinfo to Cyrus after all:\n%s", out)
				}
				p.ours.run("chs")
			} else {
				p.step(t, "chs")
				p.step(t, "chs")
				p.same(t, "with the msinfo on the server")
			}
			p.ours.deleteServer("INBOX.s.work", "srv2")
			p.ours.run("chs")
			if got := p.ours.localState(); strings.Contains(got, "srv2") {
				t.Errorf("a deletion on the server did not propagate with the msinfo on the server:\n%s", got)
			}
			if got := p.ours.serverState(); !strings.Contains(got, "INBOX.msinfo: chs\n") {
				t.Errorf("the server's msinfo folder should hold one entry for chs:\n%s", got)
			}
		})
	}
}
