package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// tutorialConfig is the configuration of the README's five-minute
// tutorial: the first fenced block of that section.
func tutorialConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "\n## Five-minute tutorial\n")
	if i < 0 {
		t.Fatal("README.md has no five-minute tutorial")
	}
	s = s[i:]
	open := strings.Index(s, "\n```\n")
	end := strings.Index(s[open+5:], "\n```\n")
	if open < 0 || end < 0 {
		t.Fatal("the tutorial has no configuration block")
	}
	return s[open+5 : open+5+end+1]
}

// TestTutorialFitsItsServer: the tutorial's server store, pointed at a
// server of the layout it names (separator '/', folders beside INBOX, as
// Dovecot's default namespace), lists the folders, and its channel syncs
// them; its earlier pattern INBOX.% listed nothing there.
func TestTutorialFitsItsServer(t *testing.T) {
	addr, stop, err := imaptest.Start(imaptest.Options{User: "sam", Password: "secret", Folders: []string{"work", "Sent"}})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	_, port, _ := net.SplitHostPort(addr)
	cfg := tutorialConfig(t)
	for _, r := range [][2]string{
		{"{imap.example.org/ssl/user=sam}", "{127.0.0.1:" + port + "/notls/user=sam}"},
		{"{imap.example.org}", "{127.0.0.1:" + port + "/notls}"},
	} {
		if !strings.Contains(cfg, r[0]) {
			t.Fatalf("the tutorial's configuration no longer has %s:\n%s", r[0], cfg)
		}
		cfg = strings.ReplaceAll(cfg, r[0], r[1])
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USER", "sam")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	if err := os.WriteFile(filepath.Join(home, ".mailsync"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, "Mail"), 0o700); err != nil {
		t.Fatal(err)
	}
	mbox := "From a@x Mon Jan  1 10:00:00 2024\nFrom: A <a@x>\nSubject: w\nMessage-ID: <w1@x>\n\nbody\n\n"
	if err := os.WriteFile(filepath.Join(home, "Mail/work"), []byte(mbox), 0o600); err != nil {
		t.Fatal(err)
	}
	mailsync := func(args ...string) (string, string, int) {
		var out, errb strings.Builder
		code := run(context.Background(), args, &out, &errb)
		return out.String(), errb.String(), code
	}
	out, errOut, code := mailsync("server")
	if code != 0 || !strings.Contains(out, "\nINBOX\n") || !strings.Contains(out, "\nSent\n") || !strings.Contains(out, "\nwork\n") {
		t.Fatalf("listing the tutorial's server store: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	out, errOut, code = mailsync("mail")
	if code != 0 || !strings.Contains(out, "1 copied laptop->server.") {
		t.Fatalf("the tutorial's sync: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, f := range []string{"Mail/INBOX", "Mail/Sent"} {
		if _, err := os.Stat(filepath.Join(home, f)); err != nil {
			t.Errorf("the sync did not create %s: %v", f, err)
		}
	}
}
