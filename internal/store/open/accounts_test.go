package open

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
)

func TestRunPassCmd(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ cmd, want string }{
		{`echo secret`, "secret"},
		{`printf 'secret'`, "secret"},
		{`printf 'se cret\r\nsecond line\n'`, "se cret"},
		{`printf ' padded \n'`, " padded "},
	} {
		got, err := runPassCmd(ctx, "work", c.cmd)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.cmd, got, err, c.want)
		}
	}
	for _, c := range []struct{ cmd, want string }{
		{`echo oops >&2; echo; exit 4`, "passcmd of store work failed (exit status 4): oops"},
		{`exit 1`, "passcmd of store work failed (exit status 1)"},
		{`true`, "passcmd of store work printed no password (its first output line is empty)"},
		{`printf '\nsecret\n'`, "passcmd of store work printed no password (its first output line is empty)"},
		{`echo secret; exit 1`, "passcmd of store work failed (exit status 1)"},
	} {
		_, err := runPassCmd(ctx, "work", c.cmd)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: err = %v, want %q", c.cmd, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the output: %v", c.cmd, err)
		}
	}
}

// The command does not read our stdin: a user-name prompt may need it.
func TestPassCmdStdinIsNull(t *testing.T) {
	got, err := runPassCmd(context.Background(), "s", `if read x; then echo "read $x"; else echo eof; fi`)
	if err != nil || got != "eof" {
		t.Errorf("got %q, %v; want eof", got, err)
	}
}

// The command runs once per store however often the secret is needed.
func TestSecretOncePerStore(t *testing.T) {
	count := filepath.Join(t.TempDir(), "count")
	cfg := &config.Store{Name: "s", PassCmd: "echo x >>" + count + "; echo pw"}
	for range 3 {
		if pw, err := secretFor(cfg)(context.Background()); err != nil || pw != "pw" {
			t.Fatalf("got %q, %v", pw, err)
		}
	}
	data, _ := os.ReadFile(count)
	if n := strings.Count(string(data), "x\n"); n != 1 {
		t.Errorf("the command ran %d times, want 1", n)
	}
	if secretFor(&config.Store{Name: "p", Passwd: "x"}) != nil {
		t.Error("a store without passcmd has a Secret")
	}
}

func TestRootsFor(t *testing.T) {
	home := t.TempDir()
	env := store.Env{Home: home}
	if p, err := rootsFor(&config.Store{Name: "s"}, env); p != nil || err != nil {
		t.Errorf("no cafile: %v, %v; want nil, nil (system roots)", p, err)
	}
	caPEM, _, _, err := dovecot.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "ca.pem"), caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ca.pem", "~/ca.pem", filepath.Join(home, "ca.pem")} {
		pool, err := rootsFor(&config.Store{Name: "s", CAFile: name}, env)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := ca.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
			t.Errorf("%s: the pool does not trust the file's CA: %v", name, err)
		}
	}
	_, err = rootsFor(&config.Store{Name: "s", CAFile: "none.pem"}, env)
	if err == nil || !strings.HasPrefix(err.Error(), "cafile of store s: open "+filepath.Join(home, "none.pem")) {
		t.Errorf("missing file: %v", err)
	}
}
