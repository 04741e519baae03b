package testservers_test

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/testservers"
)

// TestNULAgainst5_2_7: local messages with NUL bytes are copied to
// Cyrus and Courier as 5.2.7 copies them, each NUL sent as 0x80 (Cyrus
// refuses an APPEND holding a NUL), with the same output
// (doc/design/servers.md, "NUL bytes"). A NUL in the body alone settles
// at once for both programs. A NUL in the Message-ID settles at once for
// the clone, which reads NUL as the 0x80 the copy holds (5.2.7 copies the
// server's copy back and expunges the original in its second run) —
// except on a Cyrus that munges 8-bit header bytes (Debian's default),
// which stores "X" for the 0x80: the copy's id is another one, and both
// programs copy it back once, as for any 8-bit Message-ID there.
func TestNULAgainst5_2_7(t *testing.T) {
	cases := []struct {
		name  string
		kind  testservers.Kind
		munge bool
	}{
		{"cyrus", testservers.Cyrus, false},
		{"cyrus-munge8bit", testservers.Cyrus, true},
		{"courier", testservers.Courier, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := testservers.Start(t, c.kind, testservers.Options{Users: scenarioUsers, KeepEightBit: !c.munge})
			p := newPair(t, s)
			body := "From: joe@example.org\nSubject: body\nDate: Mon, 7 Dec 2026 09:00:00 +0000\nMessage-ID: <body@example.org>\n\nbo\x00dy\n"
			id := "From: joe@example.org\nSubject: id\nDate: Mon, 7 Dec 2026 09:00:00 +0000\nMessage-ID: <a\x00b@example.org>\n\nbo\x00dy\n"
			p.each(func(w *world) {
				w.write(".mailsync", config(w))
				w.write(".msinfo", "")
				w.write("mail/nulbody", "From joe@example.org Mon Dec  7 09:00:00 2026\n"+body+"\n")
				w.write("mail/nulid", "From joe@example.org Mon Dec  7 09:00:00 2026\n"+id+"\n")
			})
			out := p.step(t, "ch")
			if strings.Count(out, "1 copied loc->srv.") != 2 {
				t.Errorf("first run:\n%s", out)
			}
			p.same(t, "after the first sync")
			if got := p.ours.serverState(); !strings.Contains(got, "INBOX.s.nulbody: body\n") || !strings.Contains(got, "INBOX.s.nulid: id\n") {
				t.Errorf("server after the first sync:\n%s", got)
			}
			ref, ours := unauthorized(p.ref.run("ch")), unauthorized(p.ours.run("ch"))
			if !strings.Contains(ref, "nulbody: \n1 remains.\n") || !strings.Contains(ours, "nulbody: \n1 remains.\n") {
				t.Errorf("the second run copied the message with a NUL in its body:\n5.2.7:\n%s\nclone:\n%s", ref, ours)
			}
			settled := !strings.Contains(ours, "copied") && !strings.Contains(ours, "Expunged")
			if settled == c.munge {
				t.Errorf("second run (settled %v, want %v):\n%s", settled, !c.munge, ours)
			}
			if c.munge && ours != ref {
				t.Errorf("second run: output differs from 5.2.7\n5.2.7:\n%s\nclone:\n%s", ref, ours)
			}
			if out := p.ours.run("ch"); strings.Contains(out, "copied") || strings.Contains(out, "Expunged") {
				t.Errorf("the third run was not a no-op:\n%s", out)
			}
		})
	}
}
