package crashtest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// server is the package's Dovecot (one for all tests; each test uses
// folders of its own).
func server(t *testing.T) *dovecot.Server {
	return dovecot.Shared(t, dovecot.Options{})
}

// remoteConfig is a channel between the Dovecot folders below prefix
// (store a, reached at addr) and the mbox files in mail/b.
func remoteConfig(addr, prefix string) string {
	return remoteConfigAs(addr, dovecot.DefaultUser, prefix)
}

// remoteConfigAs is remoteConfig logging in as u.
func remoteConfigAs(addr string, u dovecot.User, prefix string) string {
	return fmt.Sprintf(`store a {
	server	{%[1]s/notls/user=%[3]s}
	ref	{%[1]s/notls/user=%[3]s}
	pat	%[2]s/%%
	prefix	%[2]s/
	passwd	%[4]s
}
store b {
	pat	mail/b/%%
	prefix	mail/b/
}
channel ch a b {
	msinfo	.msinfo
}
`, addr, prefix, u.Name, u.Password)
}

// loadRemote puts side a of l into the Dovecot folders below prefix.
func loadRemote(ctx context.Context, s *dovecot.Server, prefix string, a map[string][]mail) error {
	for box, msgs := range a {
		if err := s.LoadMessages(ctx, prefix+"/"+box, dovecotMsgs(msgs)); err != nil {
			return err
		}
	}
	return nil
}

// writeLocalSide lays out side b of l as mbox files in mail/b plus the
// msinfo.
func writeLocalSide(t *testing.T, h *home, l layout) {
	t.Helper()
	for box, msgs := range l.b {
		if err := writeMbox(h.path("mail/b/"+box), msgs); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMsinfo(t.Context(), h.path(".msinfo"), "ch", l.last); err != nil {
		t.Fatal(err)
	}
}

// readRemote reads the Dovecot folders below prefix (side a, from the
// server's Maildir++ files) and mail/b (side b).
func readRemote(ctx context.Context, s *dovecot.Server, h *home, prefix string, hash bool) (snapshot, error) {
	var sn snapshot
	var errA, errB error
	var wg sync.WaitGroup
	root := filepath.Dir(s.MaildirPath(prefix))
	wg.Go(func() { sn.a, errA = readMaildirPlus(ctx, root, "."+prefix+".", hash) })
	wg.Go(func() { sn.b, errB = readMboxDir(ctx, h.path("mail/b"), hash) })
	wg.Wait()
	if errA != nil {
		return sn, errA
	}
	return sn, errB
}

// remoteWorld is the Dovecot→local channel of genLayout's mail; run i
// uses the folders below TAGi.
type remoteWorld struct {
	s    *dovecot.Server
	l    layout
	tmpl *home
	tag  string
	// addr is where mailsync reaches the server: s.Addr(), or a relay
	// in front of it.
	addr string
}

func (w *remoteWorld) prefix(i int) string { return fmt.Sprintf("%s%d", w.tag, i) }

func (w *remoteWorld) fresh(t *testing.T, i int) *home {
	if err := loadRemote(t.Context(), w.s, w.prefix(i), w.l.a); err != nil {
		t.Fatal(err)
	}
	h := newHome(t)
	if err := copyTree(t.Context(), w.tmpl.dir, h.dir); err != nil {
		t.Fatal(err)
	}
	h.write(".mailsync", []byte(remoteConfigAs(w.addr, dovecot.User{Name: w.s.User, Password: w.s.Password}, w.prefix(i))))
	return h
}

func (w *remoteWorld) read(ctx context.Context, h *home, i int, hash bool) (snapshot, error) {
	return readRemote(ctx, w.s, h, w.prefix(i), hash)
}

// quiesce waits until the server has no session of the world's account
// left: a killed run may have sent commands the server still carries out
// (pipelined appends, STORE with EXPUNGE, a SELECT that moves new mail to
// cur/), and what the run left is what the server ends with, not a
// snapshot taken while it still works. Each kill world has a server and
// an account of its own, so no other test's session is waited for.
func (w *remoteWorld) quiesce(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := w.s.Doveadm(ctx, "who", "-1", w.s.User)
		if err != nil {
			return fmt.Errorf("doveadm who: %w", err)
		}
		if !strings.Contains(string(out), "\n"+w.s.User+" ") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server still has sessions of %s 20 s after the kill:\n%s", w.s.User, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killServer is a Dovecot of its own for a kill test, whose one account
// (user) no other test uses: quiesce can wait for its sessions.
func killServer(t *testing.T, user string) *dovecot.Server {
	return dovecot.Shared(t, dovecot.Options{Users: []dovecot.User{{Name: user, Password: user + "-secret"}}})
}

// TestKill9Dovecot kills a 5,000-message Dovecot ↔ mbox sync at random
// moments (see runKills).
func TestKill9Dovecot(t *testing.T) {
	t.Parallel()
	s := killServer(t, "killer")
	seed := testSeed(t)
	l := genLayout(seed, 5000, "D")
	tmpl := newHome(t)
	writeLocalSide(t, tmpl, l)
	runKills(t, &remoteWorld{s: s, l: l, tmpl: tmpl, tag: "kill", addr: s.Addr()}, seed, envInt(t, "CRASHTEST_KILLS", 20))
}

// TestKill9DovecotSlowLink is TestKill9Dovecot over a link with a 10 ms
// round trip (a relay in front of Dovecot, package netrelay), where more
// is in flight when the kill comes (doc/design/wan.md): 1,000 messages,
// a third of the kills (each rerun crosses the slow link too).
func TestKill9DovecotSlowLink(t *testing.T) {
	t.Parallel()
	s := killServer(t, "killwan")
	seed := testSeed(t)
	l := genLayout(seed, 1000, "W")
	tmpl := newHome(t)
	writeLocalSide(t, tmpl, l)
	addr := links[1].upstream(t, s)
	runKills(t, &remoteWorld{s: s, l: l, tmpl: tmpl, tag: "killwan", addr: addr}, seed, max(1, envInt(t, "CRASHTEST_KILLS", 20)/3))
}
