package testservers_test

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/testservers"
)

// section is one part ("stdout", "stderr") of a world's run output.
func section(out, name string) string {
	_, rest, _ := strings.Cut(out, "--- "+name+"\n")
	body, _, _ := strings.Cut(rest, "\n--- ")
	return body
}

// TestReadOnlyFolderAgainst5_2_7: a folder whose ACL lets the user read
// it but not append, flag deleted or expunge (Cyrus, the user's rights
// "lrsa": SELECT says READ-WRITE, the commands are refused; Courier, the
// owner's rights "lra": SELECT says READ-ONLY) is read and its messages
// copied out; only the copy into it and the
// deletion in it fail (doc/design/servers.md, "Folders the user may not
// change"). The first run copies what 5.2.7 copies; on Courier, whose
// refusal of the APPEND's literal closes go-imap's connection, the
// mailbox goes on over a new one. A refused EXPUNGE
// with nothing of ours to expunge is no failure, so the folder's state is
// recorded: a local deletion is then tried on the server in every run
// (and fails there), never undone by copying the message back, which
// 5.2.7 does in its third run (it records the failed deletion as done).
func TestReadOnlyFolderAgainst5_2_7(t *testing.T) {
	cases := []struct {
		kind        testservers.Kind
		who, rights string // who "" is the account itself
	}{
		{testservers.Cyrus, "", "lrsa"},
		{testservers.Courier, "owner", "lra"},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			s := testservers.Start(t, c.kind, testservers.Options{Users: scenarioUsers})
			p := newPair(t, s)
			p.each(func(w *world) {
				w.write(".mailsync", config(w))
				w.write(".msinfo", "")
				w.putServer("INBOX.s.ro", message("both", "both"), message("srv1", "srv1"))
				w.write("mail/ro", mboxOf(message("both", "both"), message("loc1", "loc1")))
				who := c.who
				if who == "" {
					who = w.user
				}
				w.setACL("INBOX.s.ro", who, c.rights)
			})
			ref, ours := unauthorized(p.ref.run("ch")), unauthorized(p.ours.run("ch"))
			if a, b := section(ref, "stdout"), section(ours, "stdout"); a != b {
				t.Errorf("first run: stdout differs from 5.2.7\n5.2.7:\n%s\nclone:\n%s", a, b)
			}
			p.same(t, "after the first sync")
			errs := section(ours, "stderr")
			if strings.Count(errs, "Error:") != 1 || !strings.Contains(errs, "copy message <loc1@example.org>") {
				t.Errorf("first run: want one error, for the copy of loc1 into the folder:\n%s", ours)
			}
			p.ours.deleteLocal("mail/ro", "both")
			for run := 2; run <= 3; run++ {
				out := unauthorized(p.ours.run("ch"))
				errs := section(out, "stderr")
				// Cyrus refuses the STORE; Courier takes it in its
				// READ-ONLY session and refuses the EXPUNGE.
				failed := strings.Contains(errs, "flag messages deleted in INBOX.s.ro") != strings.Contains(errs, "expunge INBOX.s.ro")
				if strings.Contains(out, "copied srv->loc") || !failed || !strings.HasSuffix(out, "--- exit 1\n") {
					t.Errorf("run %d: want the deletion tried and failed, nothing copied back:\n%s", run, out)
				}
				if got := p.ours.localState(); got != "ro: loc1, srv1\n" {
					t.Errorf("run %d: local state:\n%s", run, got)
				}
				if got := p.ours.serverState(); !strings.Contains(got, "INBOX.s.ro: both, srv1\n") {
					t.Errorf("run %d: server state:\n%s", run, got)
				}
			}
		})
	}
}
