package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/netrelay"
)

// faultBoxes are the folders of a fault test; faults hit "beta".
var faultBoxes = []string{"alpha", "beta", "gamma"}

// faultWorld is a channel between Dovecot folders PREFIX/{alpha,beta,
// gamma} and mbox files mail/b/{...}, synced once, then given new mail on
// both sides.
type faultWorld struct {
	s      *dovecot.Server
	h      *home
	prefix string
	synced msinfo.State      // the msinfo after the first sync
	newA   map[string][]mail // new on the server, by box
	newB   map[string][]mail // new in the mbox files, by box
}

func newFaultWorld(t *testing.T, s *dovecot.Server, prefix string) *faultWorld {
	ctx := t.Context()
	r := rand.New(rand.NewPCG(uint64(len(prefix)), 7))
	w := &faultWorld{s: s, h: newHome(t), prefix: prefix, newA: map[string][]mail{}, newB: map[string][]mail{}}
	n := 0
	next := func(k int) []mail {
		var out []mail
		for range k {
			out = append(out, genMail(r, prefix, n))
			n++
		}
		return out
	}
	for _, box := range faultBoxes {
		if err := s.LoadMessages(ctx, prefix+"/"+box, dovecotMsgs(next(4))); err != nil {
			t.Fatal(err)
		}
		if err := writeMbox(w.h.path("mail/b/"+box), next(4)); err != nil {
			t.Fatal(err)
		}
	}
	w.h.write(".mailsync", []byte(remoteConfig(s.Addr(), prefix)))
	if res := w.h.run("ch"); res.code != 0 {
		t.Fatalf("first sync: exit %d\n%s", res.code, res.stderr)
	}
	var err error
	if w.synced, err = readMsinfo(ctx, w.h.path(".msinfo"), "ch"); err != nil {
		t.Fatal(err)
	}
	for _, box := range faultBoxes {
		w.newA[box], w.newB[box] = next(3), next(3)
		if err := s.LoadMessages(ctx, prefix+"/"+box, dovecotMsgs(w.newA[box])); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(w.h.path("mail/b/"+box), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range w.newB[box] {
			f.Write(mboxText(m))
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// via points the configuration at addr (a proxy, or the server).
func (w *faultWorld) via(addr string) {
	w.h.write(".mailsync", []byte(remoteConfig(addr, w.prefix)))
}

// synchronised checks that box holds every message on both sides.
func (w *faultWorld) synchronised(t *testing.T, sn snapshot, box, when string) {
	t.Helper()
	for _, m := range append(slices.Clone(w.newA[box]), w.newB[box]...) {
		if sn.a[box][m.id] == nil || sn.b[box][m.id] == nil {
			t.Errorf("%s: %s of %s is not on both sides", when, m.id, box)
		}
	}
	if d := sn.dups(); len(d) > 0 {
		t.Errorf("%s: duplicates %v", when, d)
	}
}

// checkFaulted checks a run through a faulty proxy: exit 1, an error
// naming each of want, beta's msinfo entry safe (faultedState), alpha
// and gamma synced; then a run without the proxy syncs everything.
func (w *faultWorld) checkFaulted(t *testing.T, res result, want ...string) {
	t.Helper()
	ctx := t.Context()
	t.Logf("exit %d after %v; stderr:\n%s", res.code, res.dur.Round(time.Millisecond), res.stderr)
	if res.code != 1 {
		t.Errorf("exit %d, want 1", res.code)
	}
	for _, s := range want {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("stderr does not name %q", s)
		}
	}
	last, err := readMsinfo(ctx, w.h.path(".msinfo"), "ch")
	if err != nil {
		t.Fatal(err)
	}
	sn, err := readRemote(ctx, w.s, w.h, w.prefix, false)
	if err != nil {
		t.Fatal(err)
	}
	w.faultedState(t, sn, last["beta"])
	for _, box := range []string{"alpha", "gamma"} {
		w.synchronised(t, sn, box, "after the faulty run")
		if len(last[box]) != len(w.synced[box])+6 {
			t.Errorf("%s's msinfo entry has %d ids, want %d", box, len(last[box]), len(w.synced[box])+6)
		}
	}
	if s := strays(w.h.dir); len(s) > 0 {
		t.Errorf("left behind: %v", s)
	}
	w.via(w.s.Addr())
	again := w.h.run("ch")
	if again.code != 0 {
		t.Errorf("the run after the fault: exit %d\n%s", again.code, again.stderr)
	}
	if sn, err = readRemote(ctx, w.s, w.h, w.prefix, false); err != nil {
		t.Fatal(err)
	}
	for _, box := range faultBoxes {
		w.synchronised(t, sn, box, "after the run without faults")
	}
}

// faultedState checks beta's msinfo entry after a faulty run: it still
// holds every id of the last sync (nothing is forgotten, so nothing is
// copied back or lost), and an id it gained is on both sides (a message
// whose copy failed is not recorded: the next run copies it again).
func (w *faultWorld) faultedState(t *testing.T, sn snapshot, entry []string) {
	t.Helper()
	for _, id := range w.synced["beta"] {
		if !slices.Contains(entry, id) {
			t.Errorf("beta's msinfo entry lost %s:\n%v", id, entry)
		}
	}
	for _, id := range entry {
		if !slices.Contains(w.synced["beta"], id) && (sn.a["beta"][id] == nil || sn.b["beta"][id] == nil) {
			t.Errorf("beta's msinfo entry records %s, which is not on both sides:\n%v", id, entry)
		}
	}
}

// firstID is the smallest id of msgs: the first one a sync copies.
func firstID(msgs []mail) string { return nthID(msgs, 0) }

// nthID is the id of msgs a sync copies (n+1)th (ids in byte order).
func nthID(msgs []mail, n int) string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.id
	}
	slices.Sort(ids)
	return ids[n]
}

// TestServerFaults injects one fault per subtest into the sync of beta.
func TestServerFaults(t *testing.T) {
	s := server(t)
	srvName := "{" // every error names the server as configured: {127.0.0.1:PORT/notls/user=joe}
	cases := []struct {
		name  string
		fault func(w *faultWorld) *fault
		want  func(w *faultWorld, proxy string) []string
	}{
		{"reset on APPEND", func(w *faultWorld) *fault {
			return &fault{match: isAppendTo("beta"), nth: 1, act: actReset}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta", firstID(w.newB["beta"])}
		}},
		{"NO OVERQUOTA on APPEND", func(w *faultWorld) *fault {
			return &fault{match: isAppendTo("beta"), nth: 1, every: true, act: actReply, text: "NO [OVERQUOTA] Quota exceeded (mailbox for user is full)"}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta", firstID(w.newB["beta"]), "[OVERQUOTA] Quota exceeded"}
		}},
		{"NO TRYCREATE on APPEND", func(w *faultWorld) *fault {
			return &fault{match: isAppendTo("beta"), nth: 1, every: true, act: actReply, text: "NO [TRYCREATE] Mailbox doesn't exist: " + w.prefix + "/beta"}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta", firstID(w.newB["beta"]), "[TRYCREATE]"}
		}},
		{"BYE during body FETCH", func(w *faultWorld) *fault {
			return &fault{match: isBodyFetchIn("beta"), nth: 1, act: actBye, text: "Server shutting down."}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta"}
		}},
		{"BYE during APPEND", func(w *faultWorld) *fault {
			return &fault{match: isAppendTo("beta"), nth: 2, act: actBye, text: "Server shutting down."}
		}, func(w *faultWorld, proxy string) []string {
			// The BYE text is not shown: the error says "unexpected EOF".
			return []string{srvName + proxy, w.prefix + "/beta", nthID(w.newB["beta"], 1)}
		}},
		{"malformed response to FETCH", func(w *faultWorld) *fault {
			return &fault{match: isBodyFetchIn("beta"), nth: 1, act: actGarbage, text: "* 1 FETCH (UID x BODY[] {zz}\r\n"}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta"}
		}},
		{"malformed response to APPEND", func(w *faultWorld) *fault {
			return &fault{match: isAppendTo("beta"), nth: 1, act: actGarbage, text: "\x00\x01 garbage \xff\r\n"}
		}, func(w *faultWorld, proxy string) []string {
			return []string{srvName + proxy, w.prefix + "/beta", firstID(w.newB["beta"])}
		}},
	}
	for i, c := range cases {
		for j, l := range links {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				w := newFaultWorld(t, s, fmt.Sprintf("flt%c%d", 'a'+i, j))
				f := c.fault(w)
				p := startProxy(t, l.upstream(t, s), f)
				w.via(p.Addr())
				res := w.h.run("ch")
				if p.fired.Load() == 0 {
					t.Fatalf("the fault never fired\nstdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)
				}
				w.checkFaulted(t, res, c.want(w, p.Addr())...)
			})
		}
	}
}

// link is the way to the server of a fault test: straight to Dovecot on
// loopback, or through a relay that delays each direction (package
// netrelay), as a real link does: answers then come late, and a
// program that sends ahead of them (pipelining) meets the fault with
// more in flight (doc/design/wan.md).
type link struct {
	name  string
	delay time.Duration // one way; 0: no relay
}

var links = []link{{"loopback", 0}, {"RTT 10ms", 5 * time.Millisecond}}

// upstream returns the address to reach s by l, starting a relay that
// stops with the test.
func (l link) upstream(t *testing.T, s *dovecot.Server) string {
	if l.delay == 0 {
		return s.Addr()
	}
	r, err := netrelay.Start(t.Context(), s.Addr(), l.delay, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	return r.Addr()
}

// TestTryCreateAfterDelete: another client deletes beta on the server
// between mailsync's listing and its APPEND; Dovecot answers the APPEND
// with NO [TRYCREATE]. The run must fail for beta only, and the next run
// must restore beta on the server from the local copy without losing the
// messages of either side... except what the deletion means: beta's
// messages that only the server had are gone with the folder.
func TestTryCreateAfterDelete(t *testing.T) {
	s := server(t)
	w := newFaultWorld(t, s, "trycreate")
	f := &fault{match: isAppendTo("beta"), nth: 1, before: func() {
		if _, err := s.Doveadm(context.Background(), "mailbox", "delete", "-u", "joe", w.prefix+"/beta"); err != nil {
			t.Errorf("delete beta: %v", err)
		}
	}}
	p := startProxy(t, s.Addr(), f)
	w.via(p.Addr())
	res := w.h.run("ch")
	t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	// Dovecot does not say TRYCREATE here: the APPEND goes to the
	// connection that has beta selected, and Dovecot answers
	// "[SERVERBUG] Internal error" (the mailbox was deleted under it).
	if res.code != 1 || !strings.Contains(res.stderr, "Error: copy message "+firstID(w.newB["beta"])) ||
		!strings.Contains(res.stderr, p.Addr()) || !strings.Contains(res.stderr, w.prefix+"/beta") {
		t.Errorf("exit %d; want 1 and an error naming the server, beta and %s", res.code, firstID(w.newB["beta"]))
	}
	last, err := readMsinfo(t.Context(), w.h.path(".msinfo"), "ch")
	if err != nil {
		t.Fatal(err)
	}
	// beta's entry keeps every id of the last sync and records none of
	// the local messages whose APPEND failed.
	for _, id := range w.synced["beta"] {
		if !slices.Contains(last["beta"], id) {
			t.Errorf("beta's msinfo entry lost %s:\n%v", id, last["beta"])
		}
	}
	for _, m := range w.newB["beta"] {
		if slices.Contains(last["beta"], m.id) {
			t.Errorf("beta's msinfo entry records %s, whose copy failed:\n%v", m.id, last["beta"])
		}
	}
	w.via(s.Addr())
	again := w.h.run("ch")
	t.Logf("next run: exit %d\nstdout:\n%s\nstderr:\n%s", again.code, again.stdout, again.stderr)
	sn, err := readRemote(t.Context(), s, w.h, w.prefix, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range w.newB["beta"] {
		if sn.b["beta"][m.id] == nil {
			t.Errorf("the local new message %s of beta was lost", m.id)
		}
	}
	t.Logf("after the next run: beta has %d messages on the server, %d locally", len(sn.a["beta"]), len(sn.b["beta"]))
}
