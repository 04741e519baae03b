package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestGenerateMailsMatchesGenerate(t *testing.T) {
	const n = 300
	var box bytes.Buffer
	c, err := Generate(&box, n, 11)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := GenerateMails(n, 11)
	if err != nil {
		t.Fatal(err)
	}
	more, err := GenerateMails(n+20, 11)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	flags := map[string]int{}
	for i, m := range mails {
		if m.ID != c.IDs[i] {
			t.Fatalf("message %d: id %q, Generate said %q", i, m.ID, c.IDs[i])
		}
		if !bytes.Equal(m.Raw, more[i].Raw) || m.ID != more[i].ID {
			t.Fatalf("message %d differs when more messages are generated", i)
		}
		header, _, _ := bytes.Cut(m.Raw, []byte("\n\n"))
		for _, line := range strings.Split(string(header), "\n") {
			if strings.HasPrefix(line, "Status:") || strings.HasPrefix(line, "X-Status:") || strings.HasPrefix(line, "From ") {
				t.Fatalf("message %d keeps header line %q", i, line)
			}
		}
		if !bytes.Contains(m.Raw, []byte("Message-ID: "+m.ID+"\n")) || m.Time.IsZero() || m.From == "" {
			t.Fatalf("message %d: %+v", i, m)
		}
		flags[m.Flags]++
		again.Write(m.MboxEntry())
	}
	// Status: RO, Status: R + X-Status: A, or neither.
	if len(flags) != 3 || flags["S"] == 0 || flags["SR"] == 0 || flags[""] == 0 {
		t.Errorf("flag mix %v", flags)
	}
	m, err := scanMbox(&again)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.IDs, c.IDs) {
		t.Fatalf("the MboxEntry of every mail scans as %d ids, want the %d generated", len(m.IDs), n)
	}
}

func TestEditMboxKeepsPseudoDropsAndAppends(t *testing.T) {
	mails, err := GenerateMails(8, 3)
	if err != nil {
		t.Fatal(err)
	}
	const pseudo = "From MAILER-DAEMON Wed Nov 25 20:02:47 2026\n" +
		"Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n" +
		"Message-ID: <1795636967@vm>\n\ntext\n\n"
	var box bytes.Buffer
	box.WriteString(pseudo)
	for _, m := range mails[:6] {
		box.Write(m.MboxEntry())
	}
	path := filepath.Join(t.TempDir(), "inbox")
	// No empty line after the last message: EditMbox must add one.
	if err := os.WriteFile(path, bytes.TrimSuffix(box.Bytes(), []byte("\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	drop := map[string]bool{mails[1].ID: true, mails[5].ID: true, "<absent@x>": true}
	n, err := EditMbox(path, drop, mails[6:])
	if err != nil {
		t.Fatal(err)
	}
	got, err := ScanMbox(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{mails[0].ID, mails[2].ID, mails[3].ID, mails[4].ID, mails[6].ID, mails[7].ID}
	if n != 2 || !got.Pseudo || !slices.Equal(got.IDs, want) {
		t.Fatalf("removed %d, got %+v, want pseudo and %v", n, got, want)
	}
	if _, err := EditMbox(filepath.Join(t.TempDir(), "none"), nil, nil); err == nil {
		t.Error("editing a missing file succeeded")
	}
	if err := os.WriteFile(path, []byte("Subject: x\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := EditMbox(path, nil, nil); err == nil {
		t.Error("a file that is not an mbox was edited")
	}
}

func TestMaildirAddScanRemove(t *testing.T) {
	mails, err := GenerateMails(5, 4)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := AddToMaildir(dir, mails, Account{}); err != nil {
		t.Fatal(err)
	}
	// A message seen and trashed by a mail reader, with CRLF line ends
	// and a folded Message-ID.
	crlf := "Subject: x\r\nMessage-ID:\r\n <folded@x>\r\n\r\nbody\r\n"
	if err := os.WriteFile(filepath.Join(dir, "cur", "1.2.host:2,ST"), []byte(crlf), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := ScanMaildir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"<folded@x>"}
	for _, x := range mails {
		want = append(want, x.ID)
	}
	if !slices.Equal(slices.Sorted(slices.Values(m.IDs)), slices.Sorted(slices.Values(want))) || m.Trashed != 1 {
		t.Fatalf("scanned %+v, want %v and one trashed", m, want)
	}
	n, err := RemoveFromMaildir(dir, map[string]bool{mails[2].ID: true, "<folded@x>": true})
	if err != nil || n != 2 {
		t.Fatalf("removed %d: %v", n, err)
	}
	if m, err = ScanMaildir(dir); err != nil || len(m.IDs) != 4 || slices.Contains(m.IDs, mails[2].ID) || m.Trashed != 0 {
		t.Fatalf("after removing: %+v, %v", m, err)
	}
	if _, err := ScanMaildir(filepath.Join(dir, "none")); err == nil {
		t.Error("scanning a missing Maildir succeeded")
	}
}
