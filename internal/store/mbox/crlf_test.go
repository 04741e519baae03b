package mbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// Files written by other programs: a From_ line ending in CRLF in an
// otherwise LF file, and a file CRLF throughout (Thunderbird on Windows).
// doc/design/mbox.md, "CRLF".
const (
	mixedOne   = "From a@b Tue Nov 14 22:13:21 2023\nMessage-ID: <one@x>\nSubject: one\n\nbody one\n\n"
	mixedTwo   = "From a@b Tue Nov 14 22:13:22 2023\r\nMessage-ID: <two@x>\r\nSubject: two\r\n\r\nbody two\r\n\r\n"
	mixedThree = "From a@b Tue Nov 14 22:13:23 2023\nMessage-ID: <three@x>\nSubject: three\n\nbody three\n\n"
	tbOne      = "From - Tue Nov 14 22:13:21 2023\r\nMessage-ID: <t1@x>\r\nSubject: tb one\r\n\r\nbody one\r\nFrom here on\r\n\r\n"
	tbTwo      = "From - Tue Nov 14 22:13:22 MET 2023\r\nMessage-ID: <t2@x>\r\nSubject: tb two\r\n\r\nbody two\r\n\r\n"
)

func crlfBox(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// listed opens path and returns its messages with their fetched texts.
func openListed(t *testing.T, path string, mode store.Mode) (*Box, []store.Message, []string) {
	t.Helper()
	b, err := Open(path, mode, env())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := b.Messages(ctx)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	texts := make([]string, len(ms))
	for i, m := range ms {
		texts[i] = fetchAll(t, b, m)
	}
	return b, ms, texts
}

func TestCRLFFromLineStartsMessage(t *testing.T) {
	b, ms, texts := openListed(t, crlfBox(t, mixedOne+mixedTwo+mixedThree), store.ReadOnly)
	defer b.Close()
	want := []string{
		"Message-ID: <one@x>\r\nSubject: one\r\n\r\nbody one\r\n",
		"Message-ID: <two@x>\r\nSubject: two\r\n\r\nbody two\r\n",
		"Message-ID: <three@x>\r\nSubject: three\r\n\r\nbody three\r\n",
	}
	if len(ms) != len(want) {
		t.Fatalf("%d messages listed, want %d: %q", len(ms), len(want), texts)
	}
	for i := range want {
		if texts[i] != want[i] {
			t.Errorf("message %d: %q, want %q", i+1, texts[i], want[i])
		}
	}
	if d := ms[1].InternalDate; d.Format("2006-01-02 15:04:05") != "2023-11-14 22:13:22" {
		t.Errorf("internal date of the CRLF message: %v", d)
	}
}

func TestCRLFThroughout(t *testing.T) {
	b, ms, texts := openListed(t, crlfBox(t, tbOne+tbTwo), store.ReadOnly)
	defer b.Close()
	want := []string{
		// "From here on" is no From_ line: body text, as in c-client.
		"Message-ID: <t1@x>\r\nSubject: tb one\r\n\r\nbody one\r\nFrom here on\r\n",
		"Message-ID: <t2@x>\r\nSubject: tb two\r\n\r\nbody two\r\n",
	}
	if len(ms) != 2 || texts[0] != want[0] || texts[1] != want[1] {
		t.Fatalf("listed %q, want %q", texts, want)
	}
	if d := ms[1].InternalDate; !d.Equal(time.Date(2023, 11, 14, 21, 13, 22, 0, time.UTC)) {
		t.Errorf("MET date: %v, want 21:13:22 UTC", d)
	}
}

// TestCRLFExpungeKeepsBytes: an expunge from such a file copies every
// kept message byte for byte, CRs included (c-client would strip the CRs
// of every message it rewrites; the clone keeps bytes it did not change).
func TestCRLFExpungeKeepsBytes(t *testing.T) {
	parts := []string{mixedOne, mixedTwo, mixedThree}
	for del := range parts {
		path := crlfBox(t, strings.Join(parts, ""))
		b, ms, _ := openListed(t, path, store.ReadWrite)
		if err := b.MarkDeleted(ctx, []uint64{ms[del].Key}); err != nil {
			t.Fatal(err)
		}
		if n, err := b.Expunge(ctx); n != 1 || err != nil {
			t.Fatalf("expunge of message %d: %d, %v", del+1, n, err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		kept := append(append([]string{}, parts[:del]...), parts[del+1:]...)
		if got, _ := os.ReadFile(path); string(got) != strings.Join(kept, "") {
			t.Errorf("after expunging message %d:\n%q\nwant\n%q", del+1, got, strings.Join(kept, ""))
		}
		b, ms, _ = openListed(t, path, store.ReadOnly)
		b.Close()
		if len(ms) != 2 {
			t.Errorf("after expunging message %d: %d messages listed", del+1, len(ms))
		}
	}
}

// TestCRLFAppend: an append to a CRLF file adds a message in c-client's
// append form (LF) and leaves the bytes before it alone.
func TestCRLFAppend(t *testing.T) {
	path := crlfBox(t, tbOne+tbTwo)
	b, _, _ := openListed(t, path, store.ReadWrite)
	m := "Subject: new\r\n\r\nnew\r\n"
	if err := b.Append(ctx, store.NewMessage{InternalDate: env().Time(), Size: int64(len(m)), Body: strings.NewReader(m)}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(got), tbOne+tbTwo) {
		t.Fatalf("append changed the file before it: %q", got)
	}
	b, ms, texts := openListed(t, path, store.ReadOnly)
	b.Close()
	if len(ms) != 3 || texts[2] != m {
		t.Errorf("after append: %q", texts)
	}
}
