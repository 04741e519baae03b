package crashtest

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mboxPairConfig syncs two mbox stores, mail/a and mail/b.
const mboxPairConfig = `store a {
	pat	mail/a/%
	prefix	mail/a/
}
store b {
	pat	mail/b/%
	prefix	mail/b/
}
channel ch a b {
	msinfo	.msinfo
}
`

// deadPID is a pid no process has (above the kernel's pid_max limit).
const deadPID = "2147483646\n"

// twoMessages is an mbox with two messages.
const twoMessages = "From a@x Mon Jan  1 10:00:00 2024\nFrom: A <a@x>\nSubject: one\nMessage-ID: <a1@x>\n\nbody one\n\n" +
	"From a@x Mon Jan  1 10:00:00 2024\nFrom: A <a@x>\nSubject: two\nMessage-ID: <a2@x>\n\nbody two\n\n"

// staleHome is an mbox pair with mail/a/inbox holding two messages and
// mail/b/inbox empty.
func staleHome(t *testing.T) *home {
	h := newHome(t)
	h.write(".mailsync", []byte(mboxPairConfig))
	h.write("mail/a/inbox", []byte(twoMessages))
	h.write("mail/b/inbox", nil)
	return h
}

// checkCleanSync checks that the run synced inbox alone, exit 0, and
// that mail/b holds nothing but inbox.
func checkCleanSync(t *testing.T, h *home, res result) {
	t.Helper()
	if res.code != 0 {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	ents, err := os.ReadDir(h.path("mail/b"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != "inbox" {
			t.Errorf("mail/b/%s was created", e.Name())
		}
	}
	if b, _ := os.ReadFile(h.path("mail/b/inbox")); strings.Count(string(b), "Message-ID: <a") != 2 {
		t.Errorf("mail/b/inbox does not hold the two messages of mail/a/inbox:\n%s", b)
	}
}

// TestStaleDotlockListed: a run killed while it had mail/a/inbox open
// leaves the dotlock mail/a/inbox.lock (holding its pid). The next run
// must take it over (and say so) and sync inbox; instead the lock is
// listed as a box "inbox.lock", which is created in store b as an mbox
// file mail/b/inbox.lock — where it is a dotlock of mail/b/inbox without
// a pid: this run waits 60 s for it, fails on inbox, and mutt or any
// other dotlocking program finds mail/b/inbox locked.
func TestStaleDotlockListed(t *testing.T) {
	h := staleHome(t)
	h.write("mail/a/inbox.lock", []byte(deadPID))
	res := h.run("ch")
	checkCleanSync(t, h, res)
	if _, err := os.Stat(h.path("mail/a/inbox.lock")); err == nil {
		t.Error("the stale lock mail/a/inbox.lock is still there")
	}
	if !strings.Contains(res.stderr, "stale") {
		t.Errorf("the stale lock was taken over without a note on stderr:\n%s", res.stderr)
	}
}

// TestStaleExpungeTempListed: a run killed during an expunge of
// mail/a/inbox leaves its temporary file mail/a/.inbox.mailsync-PID-N, a
// full copy of the box. The next run must not take it for a box; instead
// it is listed and copied, message by message, into a new box of the
// other store, and stays for every later run.
func TestStaleExpungeTempListed(t *testing.T) {
	h := staleHome(t)
	h.write("mail/a/.inbox.mailsync-2147483646-x", []byte(twoMessages))
	res := h.run("ch")
	checkCleanSync(t, h, res)
	if strings.Contains(res.stdout, ".inbox.mailsync-") {
		t.Errorf("the temp file was synced as a box:\n%s", res.stdout)
	}
}

// TestLiveDotlockListed: a mail client (or delivery agent) that holds
// the dotlock mail/a/inbox.lock while mailsync lists the store — an
// everyday event — makes mailsync list "inbox.lock" as a box and create
// it in the other store, as TestStaleDotlockListed describes. The lock
// is released after 300 ms, so mailsync can open inbox.
func TestLiveDotlockListed(t *testing.T) {
	h := staleHome(t)
	h.write("mail/a/inbox.lock", []byte(strconv.Itoa(os.Getpid())+"\n"))
	p := h.start("ch")
	time.Sleep(300 * time.Millisecond)
	os.Remove(h.path("mail/a/inbox.lock"))
	checkCleanSync(t, h, p.wait(t, runLimit))
}
