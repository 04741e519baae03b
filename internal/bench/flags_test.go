package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// TestFlagHelpersLocal marks messages read in an mbox file and a Maildir
// and reads the flags back; Python's mailbox module, an independent
// reader, agrees on the mbox.
func TestFlagHelpersLocal(t *testing.T) {
	mails, err := GenerateMails(6, 8)
	if err != nil {
		t.Fatal(err)
	}
	var box bytes.Buffer
	for _, m := range mails {
		box.Write(m.MboxEntry())
	}
	path := filepath.Join(t.TempDir(), "inbox")
	if err := os.WriteFile(path, box.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	mark := map[string]bool{mails[1].ID: true, mails[4].ID: true}
	if n, err := MarkInMbox(path, mark, true); err != nil || n != 2 {
		t.Fatalf("MarkInMbox: %d, %v", n, err)
	}
	got, err := MboxFlags(path)
	if err != nil {
		t.Fatal(err)
	}
	// MboxEntry writes no status fields: every message starts unflagged.
	for _, m := range mails {
		want := ""
		if mark[m.ID] {
			want = "S"
		}
		if got[m.ID] != want {
			t.Errorf("mbox %s: flags %q, want %q", m.ID, got[m.ID], want)
		}
	}
	// c-client's and mutt's X-Status letters: A answered, F flagged, T
	// draft (D, deleted, is not synchronised).
	other := filepath.Join(t.TempDir(), "other")
	text := "From a@b Mon Jan  2 10:14:00 2023\nMessage-ID: <x@y>\nStatus: O\nX-Status: ADFT\n\nbody\n\n"
	if err := os.WriteFile(other, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := MboxFlags(other); err != nil || f["<x@y>"] != "DFR" {
		t.Errorf("X-Status ADFT, Status O: flags %q (%v), want DFR", f["<x@y>"], err)
	}
	if py, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(py, "-c", `import mailbox,sys
for m in mailbox.mbox(sys.argv[1]): print(m["Message-ID"], "".join(sorted(set(m.get_flags()) & set("RFAD"))))`, path).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			id, pyFlags, _ := strings.Cut(line, " ")
			// Python's letters: R read, A answered, F flagged, D deleted.
			seen := strings.Contains(pyFlags, "R")
			if seen != strings.Contains(got[id], "S") {
				t.Errorf("python reads %s as %q, we as %q", id, pyFlags, got[id])
			}
		}
	}

	// Unread again: the flags are as they were.
	if n, err := MarkInMbox(path, mark, false); err != nil || n != 2 {
		t.Fatalf("MarkInMbox unread: %d, %v", n, err)
	}
	if got, err = MboxFlags(path); err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if got[m.ID] != "" {
			t.Errorf("mbox %s after unread: flags %q", m.ID, got[m.ID])
		}
	}

	dir := t.TempDir()
	if err := FillMaildir(dir, mails[:3], Account{}); err != nil {
		t.Fatal(err)
	}
	if err := AddToMaildir(dir, mails[3:], Account{}); err != nil {
		t.Fatal(err)
	}
	if n, err := MarkInMaildir(dir, mark, true); err != nil || n != 2 {
		t.Fatalf("MarkInMaildir: %d, %v", n, err)
	}
	got, err = MaildirFlags(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range mails {
		want := ""
		if i < 3 {
			want = sortedLetters([]byte(m.Flags))
		}
		if mark[m.ID] {
			want = sortedLetters([]byte(want + "S"))
		}
		if got[m.ID] != want {
			t.Errorf("maildir %s: flags %q, want %q", m.ID, got[m.ID], want)
		}
	}
	if n, err := MarkInMaildir(dir, mark, false); err != nil || n != 2 {
		t.Fatalf("MarkInMaildir unread: %d, %v", n, err)
	}
	if got, err = MaildirFlags(dir); err != nil {
		t.Fatal(err)
	}
	for i, m := range mails {
		want := ""
		if i < 3 {
			want = sortedLetters([]byte(strings.ReplaceAll(m.Flags, "S", "")))
		}
		if mark[m.ID] && got[m.ID] != want {
			t.Errorf("maildir %s after unread: flags %q, want %q", m.ID, got[m.ID], want)
		}
	}
}

// TestFlagHelpersOnDovecot flags messages on a real Dovecot and reads
// the flags back.
func TestFlagHelpersOnDovecot(t *testing.T) {
	s := dovecot.Start(t, dovecot.Options{})
	ctx := t.Context()
	mails, err := GenerateMails(10, 9)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []dovecot.Message
	for _, m := range mails {
		msgs = append(msgs, dovecot.Message{Raw: m.Raw, Flags: m.Flags, Time: m.Time})
	}
	if err := s.LoadMessages(ctx, "INBOX", msgs); err != nil {
		t.Fatal(err)
	}
	a := IMAPAccount{Addr: s.Addr(), User: s.User, Password: s.Password}
	mark := map[string]bool{mails[2].ID: true, mails[7].ID: true}
	if n, err := FlagOnServer(ctx, a, "INBOX", mark, goimap.FlagFlagged, true); err != nil || n != 2 {
		t.Fatalf("FlagOnServer: %d, %v", n, err)
	}
	got, err := ServerFlags(ctx, a, []string{"INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := FlagOnServer(ctx, a, "INBOX", map[string]bool{mails[7].ID: true}, goimap.FlagFlagged, false); err != nil || n != 1 {
		t.Fatalf("FlagOnServer off: %d, %v", n, err)
	}
	again, err := ServerFlags(ctx, a, []string{"INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if f := again[0][mails[7].ID]; f != sortedLetters([]byte(mails[7].Flags)) {
		t.Errorf("server %s unflagged: flags %q", mails[7].ID, f)
	}
	for _, m := range mails {
		want := sortedLetters([]byte(m.Flags))
		if mark[m.ID] {
			want = sortedLetters([]byte(m.Flags + "F"))
		}
		if got[0][m.ID] != want {
			t.Errorf("server %s: flags %q, want %q", m.ID, got[0][m.ID], want)
		}
	}
}
