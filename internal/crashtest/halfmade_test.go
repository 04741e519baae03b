package crashtest

import (
	"os"
	"testing"
)

// TestHalfMadeMaildirFolder is the cause of TestKill9Local's rare
// failure "b: box onlya present=false": a run killed while it created the
// Maildir++ folder ~/Maildir/.onlya leaves the directory without all of
// cur/, new/ and tmp/. The rerun does not list it (it is no Maildir), so
// it creates the box again; that found the directory, called it an
// existing box, skipped the box silently and exited 0 — and onlya never
// reached store b. The rerun must finish the folder and sync the box, for
// each moment of the kill (after the mkdir of the folder, and after each
// of its sub-directories in the order they are made).
func TestHalfMadeMaildirFolder(t *testing.T) {
	for _, c := range []struct {
		name string
		made []string // what the killed run left below Maildir/.onlya
	}{
		{"empty", nil},
		{"tmp", []string{"tmp"}},
		{"tmp-new", []string{"tmp", "new"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHome(t)
			l := genLayout(7, 200, "H")
			writeLocalWorld(t, h, l)
			if len(l.a["onlya"]) == 0 {
				t.Fatal("the layout has no box onlya")
			}
			if err := os.Mkdir(h.path("Maildir/.onlya"), 0o700); err != nil {
				t.Fatal(err)
			}
			for _, d := range c.made {
				if err := os.Mkdir(h.path("Maildir/.onlya/"+d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			res := h.run("ch")
			if res.code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			got, err := readLocal(t.Context(), h, false)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(got.b["onlya"]); n != len(l.a["onlya"]) {
				t.Errorf("store b's onlya holds %d messages, want the %d of store a's", n, len(l.a["onlya"]))
			}
			// A second run finds the channel in step.
			if res := h.run("ch"); res.code != 0 {
				t.Errorf("second run: exit %d\nstderr:\n%s", res.code, res.stderr)
			}
		})
	}
}
