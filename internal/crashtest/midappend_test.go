package crashtest

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillMidAppend kills mailsync while it appends a 9 MB message
// coming from the server to a local mbox: the proxy passes half of it and
// stalls, so the mbox holds the start of the message (appends go out in
// 64 KB pieces). The next run must end with the whole message
// in the mbox, once.
func TestKillMidAppend(t *testing.T) {
	s := server(t)
	// Larger than the IMAP store's in-memory batches (8 MB), so that it
	// is streamed from the connection into the mbox.
	var b strings.Builder
	b.WriteString("From: Big <big@example.org>\nSubject: big\nMessage-ID: <big@midappend>\n\n")
	for i := 0; b.Len() < 9<<20; i++ {
		fmt.Fprintf(&b, "line %d of a big message %s\n", i, strings.Repeat("x", 60))
	}
	big := mail{id: "<big@midappend>", raw: []byte(b.String()), date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := s.LoadMessages(t.Context(), "midappend/box", dovecotMsgs([]mail{big})); err != nil {
		t.Fatal(err)
	}
	h := newHome(t)
	h.write("mail/b/box", nil)
	p := startProxy(t, s.Addr())
	p.cutReply = func(resp []byte) int {
		if bytes.Contains(resp, []byte("BODY[] {")) && len(resp) > 8<<20 {
			return len(resp) / 2
		}
		return -1
	}
	h.write(".mailsync", []byte(remoteConfig(p.Addr(), "midappend")))
	run := h.start("ch")
	deadline := time.Now().Add(runLimit)
	for p.fired.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p.fired.Load() == 0 {
		t.Fatal("the big message was never fetched")
	}
	// Wait until the first part of the message is in the mbox.
	for time.Now().Before(deadline) {
		if st, err := os.Stat(h.path("mail/b/box")); err == nil && st.Size() > 1<<20 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	run.cmd.Process.Signal(syscall.SIGKILL)
	run.wait(t, runLimit)
	mid, err := readRemote(t.Context(), s, h, "midappend", true)
	if err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	data, _ := os.ReadFile(h.path("mail/b/box"))
	t.Logf("after the kill mail/b/box holds %d bytes, %d ids", len(data), len(mid.b["box"]))
	// The killed run left its dotlock; it names where the unfinished
	// append began, and the rerun cuts it off before syncing.
	h.write(".mailsync", []byte(remoteConfig(s.Addr(), "midappend")))
	if res := h.run("ch"); res.code != 0 {
		t.Fatalf("rerun: exit %d\n%s", res.code, res.stderr)
	}
	got, err := readRemote(t.Context(), s, h, "midappend", true)
	if err != nil {
		t.Fatal(err)
	}
	ra, rb := got.a["box"][big.id], got.b["box"][big.id]
	if ra == nil || rb == nil || rb.count != 1 || ra.sum != rb.sum {
		t.Errorf("after the rerun the server holds %+v and the mbox %+v of %s: want the same message once", ra, rb, big.id)
	}
}
