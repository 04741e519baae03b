package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestGenerateDeterministicAndRealistic(t *testing.T) {
	const n = 1000
	var a, b bytes.Buffer
	ca, err := Generate(&a, n, 42)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&b, n, 42); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Fatal("same seed, different mbox")
	}
	var c bytes.Buffer
	if _, err := Generate(&c, n, 43); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds, same mbox")
	}
	if ca.Bytes != int64(a.Len()) {
		t.Errorf("Corpus.Bytes = %d, wrote %d", ca.Bytes, a.Len())
	}
	avg := ca.Bytes / n
	t.Logf("%d messages, %d bytes, %d bytes on average", n, ca.Bytes, avg)
	if avg < 14_000 || avg > 22_000 {
		t.Errorf("average message size %d bytes, want about 18 KB", avg)
	}
	seen := map[string]bool{}
	for _, id := range ca.IDs {
		if seen[id] || !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ">") {
			t.Fatalf("bad or repeated Message-ID %q", id)
		}
		seen[id] = true
	}
	for i, line := range strings.Split(a.String(), "\n") {
		if strings.HasPrefix(line, "From ") && !fromLine.MatchString(line) {
			t.Fatalf("line %d: unquoted From in body: %q", i+1, line)
		}
	}
}

func TestScanMboxRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	c, err := Generate(&buf, 200, 7)
	if err != nil {
		t.Fatal(err)
	}
	m, err := scanMbox(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Pseudo {
		t.Error("generated mbox reported as having a pseudo message")
	}
	if strings.Join(m.IDs, " ") != strings.Join(c.IDs, " ") {
		t.Fatalf("scanned %d ids, generated %d; first scanned %q", len(m.IDs), len(c.IDs), m.IDs[:min(3, len(m.IDs))])
	}
}

func TestScanMboxPseudoFoldedAndCRLF(t *testing.T) {
	const box = "From MAILER-DAEMON Wed Nov 25 20:02:47 2026\n" +
		"Date: 25 Nov 2026 20:02:47 +0000\n" +
		"Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n" +
		"X-IMAP: 1795636967 0000000002\n\ntext\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\r\n" +
		"Message-Id:\r\n <folded@x>\r\n\r\nFrom here on, body\r\n\r\n" +
		"From a@b Mon Jan  1 10:00:00 2024 +0000\nSubject: none\n\nbody\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nno blank line before, so body\n"
	m, err := scanMbox(strings.NewReader(box))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Pseudo || len(m.IDs) != 2 || m.IDs[0] != "<folded@x>" || m.IDs[1] != "" {
		t.Fatalf("got %+v", m)
	}
	if _, err := scanMbox(strings.NewReader("Subject: x\n\n")); err == nil {
		t.Error("a file that does not start with a From_ line was accepted")
	}
}

func TestRunMeasuresChild(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	home := t.TempDir()
	r, err := Run(context.Background(), Account{}, home, "/bin/sh", "-c", `echo "$HOME"; exit 3`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Exit != 3 || strings.TrimSpace(string(r.Stdout)) != home || r.MaxRSS <= 0 || r.Wall <= 0 {
		t.Fatalf("got exit %d, stdout %q, maxrss %d, wall %v", r.Exit, r.Stdout, r.MaxRSS, r.Wall)
	}
}

// TestRunRSSExcludesParent: the peak RSS of a small child must not
// include the benchmark's own memory (see timeBin).
func TestRunRSSExcludesParent(t *testing.T) {
	if !haveGNUTime() {
		t.Skipf("no GNU time at %s: Run falls back to wait4 (%s)", timeBin, RSSMethod())
	}
	ballast := make([]byte, 150<<20)
	for i := range ballast {
		ballast[i] = byte(i)
	}
	r, err := Run(context.Background(), Account{}, t.TempDir(), "/bin/sh", "-c", "exit 0")
	if err != nil {
		t.Fatal(err)
	}
	if r.MaxRSS <= 0 || r.MaxRSS > 50<<20 {
		t.Errorf("peak RSS of sh = %d bytes, want a few MB (this process holds %d MB)", r.MaxRSS, len(ballast)>>20)
	}
	runtime.KeepAlive(ballast)
}

func TestRunKillsProcessGroupOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	// The grandchild sleep holds stdout open: killing only the direct
	// child would leave Run waiting for WaitDelay (5s).
	_, err := Run(ctx, Account{}, t.TempDir(), "/bin/sh", "-c", "sleep 30; exit 0")
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("Run returned %v after %v", err, time.Since(start))
	}
}
