package dovecot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Two servers at once, one of them with two users and a connection limit,
// the other launched in a caller's directory whose path is too long for
// base_dir's sockets.
func TestTwoServersAtOnce(t *testing.T) {
	t.Parallel()
	a := Start(t, Options{Users: []User{{"ann", "pw-a"}, {"bob", "pw-b"}}, MaxConnections: 2})

	dir := filepath.Join(t.TempDir(), strings.Repeat("long-directory-name-", 3))
	b, err := Launch(t.Context(), Options{Delim: '.'}, dir)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() { b.Stop() })
	if b.l.baseDir == filepath.Join(dir, "run") || len(b.l.baseDir) > maxBaseDir {
		t.Errorf("base_dir %s for instance dir %s: want a short one elsewhere", b.l.baseDir, dir)
	}
	if a.Addr() == b.Addr() || a.TLSAddr() == b.TLSAddr() || a.l.instance == b.l.instance {
		t.Fatalf("servers share ports or instance: %s %s %s / %s %s %s",
			a.Addr(), a.TLSAddr(), a.l.instance, b.Addr(), b.TLSAddr(), b.l.instance)
	}

	// Each user has its own mail.
	ctx := t.Context()
	if err := a.Account("bob").LoadMessages(ctx, "INBOX", []Message{{Raw: []byte("Subject: for bob\n\nhi\n")}, {Raw: []byte("Subject: new\n\nhi\n"), New: true}}); err != nil {
		t.Fatal(err)
	}
	if got := countMessages(t, a, "bob", "pw-b", "INBOX"); got != 2 {
		t.Errorf("bob's INBOX has %d messages, want 2", got)
	}
	if got := countMessages(t, a, "ann", "pw-a", "INBOX"); got != 0 {
		t.Errorf("ann's INBOX has %d messages, want 0", got)
	}
	if err := a.Account("bob").LoadMessages(ctx, "x", []Message{{Raw: []byte("x"), New: true, Flags: "S"}}); err == nil {
		t.Error("LoadMessages accepted a New message with flags")
	}
	if a.Account("nobody") != nil {
		t.Error(`Account("nobody") != nil`)
	}

	// MaxConnections is per user and IP: a third session of ann fails.
	for i := 0; i < 2; i++ {
		c := clientFor(t, a, "ann", "pw-a")
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := imapclient.DialInsecure(a.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("ann", "pw-a").Wait(); err == nil {
		t.Error("third session of ann logged in with MaxConnections 2")
	}

	// b keeps working when a stops; b's directory is the caller's and stays.
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := countMessages(t, b, b.User, b.Password, "INBOX"); got != 0 {
		t.Errorf("b's INBOX has %d messages", got)
	}
	bBase := b.l.baseDir
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("Stop removed the caller's directory: %v", err)
	}
	if _, err := os.Stat(bBase); !os.IsNotExist(err) {
		t.Errorf("separate base_dir %s after Stop: %v", bBase, err)
	}
}

func clientFor(t *testing.T, s *Server, user, password string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

func countMessages(t *testing.T, s *Server, user, password, folder string) uint32 {
	t.Helper()
	c := clientFor(t, s, user, password)
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s as %s: %v", folder, user, err)
	}
	c.Logout().Wait()
	return sel.NumMessages
}

func TestShared(t *testing.T) {
	t.Parallel()
	a := Shared(t, Options{MaxConnections: 7})
	b := Shared(t, Options{MaxConnections: 7, Delim: '/', Users: []User{DefaultUser}})
	if a != b {
		t.Fatal("Shared started two servers for equal options")
	}
	c := Shared(t, Options{MaxConnections: 7, Delim: '.'})
	if c == a {
		t.Fatal("Shared returned one server for different delimiters")
	}
	if n := countMessages(t, a, a.User, a.Password, "INBOX"); n != 0 {
		t.Errorf("INBOX has %d messages", n)
	}
	pids := []int{a.PID(), c.PID()}
	if err := StopShared(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("master %d after StopShared: %v", pid, err)
		}
	}
}

// recordingTB records Skipf and Fatalf instead of ending the test.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordingTB) Helper()                      {}
func (r *recordingTB) Skipf(f string, args ...any)  { r.skipped = fmt.Sprintf(f, args...) }
func (r *recordingTB) Fatalf(f string, args ...any) { r.failed = fmt.Sprintf(f, args...) }

func TestUnavailableSkipsUnlessRequired(t *testing.T) {
	cause := errors.New("no dovecot here")
	for _, env := range []string{"", "0", "1"} {
		t.Setenv(RequireEnv, env)
		r := &recordingTB{TB: t}
		unavailable(r, cause)
		wantFail := env == "1"
		if got := r.failed != ""; got != wantFail {
			t.Errorf("%s=%q: failed=%q skipped=%q", RequireEnv, env, r.failed, r.skipped)
		}
		if got := r.skipped != ""; got == wantFail {
			t.Errorf("%s=%q: failed=%q skipped=%q", RequireEnv, env, r.failed, r.skipped)
		}
		if msg := r.failed + r.skipped; !strings.Contains(msg, cause.Error()) || !strings.Contains(msg, RequireEnv) {
			t.Errorf("%s=%q: message %q lacks the cause or the variable", RequireEnv, env, msg)
		}
	}
}
