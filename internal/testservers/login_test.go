package testservers_test

import (
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/testservers"
)

// TestWrongPasswordAgainst5_2_7: a refused login prints what 5.2.7
// prints, on Cyrus (AUTHENTICATE PLAIN) and on Courier (LOGIN: it offers
// no AUTH= before STARTTLS).
func TestWrongPasswordAgainst5_2_7(t *testing.T) {
	for _, k := range []testservers.Kind{testservers.Cyrus, testservers.Courier} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := testservers.Start(t, k, testservers.Options{Users: scenarioUsers})
			p := newPair(t, s)
			p.each(func(w *world) {
				w.write(".mailsync", strings.ReplaceAll(config(w), "passwd\tsecret", "passwd\twrong"))
				w.write(".msinfo", "")
			})
			p.step(t, "ch")
		})
	}
}
