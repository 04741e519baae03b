package testservers_test

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/testservers"
)

// TestEnvelopeSenderAgainst5_2_7: the -m sender column of a server
// message whose From address has no domain is what 5.2.7 prints: the
// server's ENVELOPE form (Cyrus "mailsync@unspecified-domain" cut to the
// column, Courier "mailsync@"), in the listing and in a sync's lines
// (doc/design/servers.md, "Envelope senders").
func TestEnvelopeSenderAgainst5_2_7(t *testing.T) {
	for _, k := range []testservers.Kind{testservers.Cyrus, testservers.Courier} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := testservers.Start(t, k, testservers.Options{Users: scenarioUsers})
			p := newPair(t, s)
			bare := strings.Replace(message("bare", "bare"), "From: joe@example.org", "From: mailsync", 1)
			named := strings.Replace(message("named", "named"), "From: joe@example.org", "From: Mail Sync <mailsync>", 1)
			two := strings.Replace(message("two", "two"), "From: joe@example.org", "From: mailsync, Ann <ann@example.org>", 1)
			p.each(func(w *world) {
				w.write(".mailsync", config(w))
				w.write(".msinfo", "")
				w.putServer("INBOX.s.env", message("plain", "plain"), bare, named, two)
			})
			want := map[testservers.Kind]string{
				testservers.Cyrus:   "mailsync@unspecified-d bare",
				testservers.Courier: "mailsync@              bare",
			}[k]
			for _, args := range [][]string{{"-m", "srv"}, {"-m", "ch"}} {
				if out := p.step(t, args...); !strings.Contains(out, want) || !strings.Contains(out, "Mail Sync              named") {
					t.Errorf("mailsync %s: no %q:\n%s", strings.Join(args, " "), want, out)
				}
			}
		})
	}
}
