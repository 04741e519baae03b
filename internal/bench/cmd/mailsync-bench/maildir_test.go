package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/config"
)

func TestMaildirSetupWritesConfigs(t *testing.T) {
	p, err := makePlan(100)
	if err != nil {
		t.Fatal(err)
	}
	s := maildirSuite{}
	home := t.TempDir()
	if err := s.setup(home, mdProgram{label: "ours", bin: "/bin/true"}, p); err != nil {
		t.Fatal(err)
	}
	// The '#' of the #maildir names must survive the configuration syntax.
	cfg, err := config.Load(filepath.Join(home, ".mailsync"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := cfg.Stores["dst"]; st == nil || st.Pat != "#maildir/dst/%" || st.Prefix != "#maildir/dst/" {
		t.Errorf("store dst = %+v, want pat #maildir/dst/%% and prefix #maildir/dst/", st)
	}
	if st := cfg.Stores["src"]; st == nil || st.Pat != "src/%" || st.Prefix != "src/" {
		t.Errorf("store src = %+v", st)
	}
	if entries, err := os.ReadDir(filepath.Join(home, "dst")); err != nil || len(entries) != 0 {
		t.Errorf("~/dst: %d entries (%v), want an empty directory", len(entries), err)
	}

	home = t.TempDir()
	if err := s.setup(home, mdProgram{label: "mbsync", bin: "/usr/bin/mbsync", mbsync: true}, p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(home, ".mbsyncrc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FSync yes\n", "Path " + home + "/src/\n", "Inbox " + home + "/src/INBOX\n",
		"Path " + home + "/dst/\n", "Inbox " + home + "/dst/INBOX\n", "Far :src:\n", "Near :dst:\n",
		"Create Both\n", "Expunge Both\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".mbsyncrc lacks %q:\n%s", want, b)
		}
	}
}

// TestMaildirCheckAndChange plays a sync by hand (the source copied into
// the destination) and checks that mdCheck accepts exactly the right
// states.
func TestMaildirCheckAndChange(t *testing.T) {
	p, err := makePlan(300)
	if err != nil {
		t.Fatal(err)
	}
	s := maildirSuite{}
	home := t.TempDir()
	if err := s.setup(home, mdProgram{label: "ours", bin: "/bin/true"}, p); err != nil {
		t.Fatal(err)
	}
	if err := mdCheck(home, p, synced); err == nil {
		t.Fatal("mdCheck accepted an empty destination")
	}
	for f, folder := range imapFolders {
		if err := bench.FillMaildir(filepath.Join(home, "dst", folder), p.initial[f], bench.Account{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := mdCheck(home, p, synced); err != nil {
		t.Fatalf("after the copy: %v", err)
	}
	if err := s.change(home, p); err != nil {
		t.Fatalf("change: %v", err)
	}
	if err := mdCheck(home, p, resynced); err == nil {
		t.Fatal("mdCheck accepted the changed trees as re-synced")
	}
	// A message flagged T but not expunged does not count as deleted.
	cur := filepath.Join(home, "src", imapFolders[0], "cur")
	entries, err := os.ReadDir(cur)
	if err != nil || len(entries) == 0 {
		t.Fatalf("read %s: %v", cur, err)
	}
	name := entries[0].Name()
	if err := os.Rename(filepath.Join(cur, name), filepath.Join(cur, name+"T")); err != nil {
		t.Fatal(err)
	}
	if err := mdCheck(home, p, changed); err == nil || !strings.Contains(err.Error(), "not expunged") {
		t.Fatalf("mdCheck with a trashed message: %v", err)
	}
}

func TestMaildirTableGoal(t *testing.T) {
	run := func(wall time.Duration) measured {
		return measured{ran: true, res: bench.Result{Wall: wall, CPU: wall, MaxRSS: 5e6}}
	}
	row := maildirRow{n: 1000, k: 10, bytes: 18e6, results: []mdResult{
		{mdProgram: mdProgram{label: "ours", bin: "x"}, phase: [3]measured{run(2 * time.Second), run(time.Second), run(time.Second)}},
		{mdProgram: mdProgram{label: "mbsync", bin: "y"}, phase: [3]measured{run(4 * time.Second), run(time.Second / 2), run(time.Second)}},
	}}
	var b bytes.Buffer
	printMaildirTable(&b, []maildirRow{row}, "tmpfs")
	out := b.String()
	for _, want := range []string{
		"Maildir -> Maildir on tmpfs, N=1000",
		"ours/mbsync  0.5x",
		"initial      met          (ours 2.00s, mbsync 4.00s)",
		"no-op        NOT MET      (ours 1.00s, mbsync 0.50s)",
		"1% re-sync   met          (ours 1.00s, mbsync 1.00s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
