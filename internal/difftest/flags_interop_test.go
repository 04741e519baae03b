package difftest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagSyncInterop: a channel synced by the clone with "flags sync"
// (doc/design/flags.md) is continued by 5.2.7 (its configuration without
// the line, which it would reject), and the clone continues after 5.2.7,
// with flags sync and with it switched off again: nothing is lost or
// copied twice, 5.2.7 reads the msinfo and the mailboxes, and a flag
// changed while 5.2.7 ran the channel still follows its message.
func TestFlagSyncInterop(t *testing.T) {
	h := getHarness(t)
	if h.self {
		t.Skip("the clone's own behaviour")
	}
	withFlags := strings.Replace(twoStores, "msinfo .msinfo\n", "msinfo .msinfo\n\tflags sync\n", 1)
	s := &Scenario{Config: twoStores, Files: files(
		".mailsync-flags", withFlags,
		"mail/a/inbox", mbox(M{Subj: "i1", ID: "<i1@x>", Status: "RO"}, msg("i2")),
		"mail/b/inbox", mbox(M{Subj: "j1", ID: "<j1@x>", Status: "O", XStat: "F"}),
	)}
	root := h.interopRoot(t, s, "flags-interop-")
	home := filepath.Join(root, "home")
	flagsConf := []string{"-f", filepath.Join(home, ".mailsync-flags")}
	run := h.mustRun(t, root)
	// flagsOf returns id -> flags ("SAFDT" letters) of every message of
	// both boxes, failing on a duplicate or a box that lacks an id.
	flagsOf := func(what string) map[string][2]string {
		t.Helper()
		snap, err := takeSnapshot(home, []string{".msinfo"})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][2]string{}
		for side, box := range []string{"mail/a/inbox", "mail/b/inbox"} {
			b := snap.Boxes[box]
			if b == nil {
				t.Fatalf("%s: no box %s", what, box)
			}
			for _, m := range b.Msgs {
				id := ""
				for _, f := range m.Header {
					if v, ok := strings.CutPrefix(f, "Message-ID: "); ok {
						id = v
					}
				}
				f := out[id]
				if f[side] != "" && f[side] != "?" {
					t.Fatalf("%s: %s holds %s twice", what, box, id)
				}
				f[side] = m.Flags
				if f[side] == "" {
					f[side] = "-"
				}
				out[id] = f
			}
		}
		for id, f := range out {
			if f[0] == "" || f[1] == "" {
				t.Fatalf("%s: %s is on one side only: %q", what, id, f)
			}
		}
		return out
	}
	want := func(what string, got map[string][2]string, exp map[string]string) {
		t.Helper()
		if len(got) != len(exp) {
			t.Fatalf("%s: %d messages, want %d: %v", what, len(got), len(exp), got)
		}
		for id, w := range exp {
			if g := got[id]; strings.Trim(g[0], "-") != w || strings.Trim(g[1], "-") != w {
				t.Errorf("%s: %s has flags a=%q b=%q, want %q on both", what, id, g[0], g[1], w)
			}
		}
	}
	// markRead gives message id in box the Status "RO", as mutt does.
	markRead := func(box, id string) {
		t.Helper()
		path := filepath.Join(home, box)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		field := "Message-ID: " + id + "\n"
		i := strings.Index(string(data), field)
		if i < 0 {
			t.Fatalf("%s holds no %s", box, id)
		}
		end := i + strings.Index(string(data[i:]), "\n\n")
		head := string(data[i:end])
		var kept []string
		for _, l := range strings.Split(head, "\n") {
			if !strings.HasPrefix(l, "Status:") {
				kept = append(kept, l)
			}
		}
		out := string(data[:i]) + strings.Join(kept, "\n") + "\nStatus: RO" + string(data[end:])
		if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	run("the clone, flags sync", h.ours, append(flagsConf, "ch")...)
	want("after the clone's first sync", flagsOf("first sync"), map[string]string{"<i1@x>": "S", "<i2@x>": "", "<j1@x>": "F"})

	markRead("mail/b/inbox", "<i2@x>")
	r := run("5.2.7 continuing", origBin, "ch")
	if strings.Contains(r.Stdout, "copied") {
		t.Errorf("5.2.7 copied messages after the clone's sync:\n%s", r.Stdout)
	}
	flagsOf("after 5.2.7") // nothing lost or doubled

	r = run("the clone continuing after 5.2.7", h.ours, append(flagsConf, "ch")...)
	if strings.Contains(r.Stdout, "copied") {
		t.Errorf("the clone copied messages after 5.2.7's sync:\n%s", r.Stdout)
	}
	want("after the clone continued", flagsOf("clone again"), map[string]string{"<i1@x>": "S", "<i2@x>": "S", "<j1@x>": "F"})

	// Switched off: the clone runs as 5.2.7 does, flags left alone.
	markRead("mail/a/inbox", "<j1@x>")
	r = run("the clone, flags copy", h.ours, "ch")
	if strings.Contains(r.Stdout, "flag") || strings.Contains(r.Stdout, "copied") {
		t.Errorf("with flags off the clone printed:\n%s", r.Stdout)
	}
	got := flagsOf("flags off")
	if g := got["<j1@x>"]; g[1] != "F" {
		t.Errorf("with flags off j1's flags in b changed: %q", g[1])
	}
	run("5.2.7 at the end", origBin, "ch")
}

// interopRoot prepares scenario s in a new directory (named from prefix)
// that 5.2.7's unprivileged user may enter, and returns its root.
func (h *harness) interopRoot(t *testing.T, s *Scenario, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp(h.tmp, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, sideOurs)
	if err := h.prepare(s, root, nil); err != nil {
		t.Fatal(err)
	}
	return root
}

// mustRun returns a function that runs bin (ours or 5.2.7) with args in
// root and fails the test, naming what, unless it exits 0.
func (h *harness) mustRun(t *testing.T, root string) func(what, bin string, args ...string) *Result {
	return func(what, bin string, args ...string) *Result {
		t.Helper()
		r, err := h.runAs(bin, root, args, nil)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if r.Exit != 0 {
			t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", what, r.Exit, r.Stdout, r.Stderr)
		}
		return r
	}
}
