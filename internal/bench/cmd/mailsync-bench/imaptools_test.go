package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestToolSetupWritesConfigs(t *testing.T) {
	home := t.TempDir()
	ours := tool{label: "ours", user: "u1", bin: "/bin/true"}
	if err := ours.setup(home, 1430, "pw1"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(home, ".mailsync"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\tserver\t{127.0.0.1:1430/notls/norsh/user=u1}\n",
		"\tref\t{127.0.0.1:1430/notls/norsh/user=u1}\n",
		"\tpat\t%\n", "\tpasswd\tpw1\n", "\tpat\tmail/%\n", "channel bench remote local {",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".mailsync lacks %q:\n%s", want, b)
		}
	}
	if got := ours.argv(home); strings.Join(got, " ") != "/bin/true bench" {
		t.Errorf("argv = %q", got)
	}

	home = t.TempDir()
	mbsync := tool{label: "mbsync", user: "u2", bin: "/usr/bin/mbsync", mbsync: true, maildir: true}
	if err := mbsync.setup(home, 1431, "pw2"); err != nil {
		t.Fatal(err)
	}
	if b, err = os.ReadFile(filepath.Join(home, ".mbsyncrc")); err != nil {
		t.Fatal(err)
	}
	mail := filepath.Join(home, "mail")
	for _, want := range []string{"Port 1431\n", "User u2\n", "Pass pw2\n", "SSLType None\n",
		"Path " + mail + "/\n", "Inbox " + mail + "/INBOX\n", "Patterns *\n", "Expunge Both\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".mbsyncrc lacks %q:\n%s", want, b)
		}
	}
	if fi, err := os.Stat(mail); err != nil || !fi.IsDir() {
		t.Errorf("no empty ~/mail: %v", err)
	}
}
