package open

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/store"
)

// What a store's passcmd and cafile give its IMAP login
// (doc/design/accounts.md).

// passcmds remembers each store's passcmd result for the rest of the
// process: the command runs at most once per run and store, however many
// connections (or channels) need the secret.
var passcmds sync.Map // *config.Store -> *passcmdResult

type passcmdResult struct {
	once   sync.Once
	secret string
	err    error
}

// secretFor returns the Options.Secret of a store with a passcmd, nil
// without one. The command runs when the first login needs it.
func secretFor(cfg *config.Store) func(context.Context) (string, error) {
	if cfg.PassCmd == "" {
		return nil
	}
	v, _ := passcmds.LoadOrStore(cfg, &passcmdResult{})
	r := v.(*passcmdResult)
	return func(ctx context.Context) (string, error) {
		r.once.Do(func() { r.secret, r.err = runPassCmd(ctx, cfg.Name, cfg.PassCmd) })
		return r.secret, r.err
	}
}

// maxPassOutput bounds what is kept of a passcmd's output.
const maxPassOutput = 64 << 10

// runPassCmd runs command with sh -c, stdin from /dev/null (it must not
// eat the input a user-name prompt reads, and never waits on a terminal
// it did not open itself), and returns the first line of its standard
// output without the line end. A failing command, or an empty first line,
// is an error naming the store, with the last line the command wrote on
// its standard error; it never falls back to a prompt.
func runPassCmd(ctx context.Context, storeName, command string) (string, error) {
	var stdout, stderr capped
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("passcmd of store %s failed (%v)%s", storeName, err, lastLine(stderr.b.String()))
	}
	line, _, _ := strings.Cut(stdout.b.String(), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("passcmd of store %s printed no password (its first output line is empty)%s", storeName, lastLine(stderr.b.String()))
	}
	return line, nil
}

// lastLine is ": " and the last non-empty line of s, or "".
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\r\n\t "), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return ": " + l
	}
	return ""
}

// capped keeps the first maxPassOutput bytes written to it.
type capped struct{ b bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := maxPassOutput - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// rootsFor returns the certificate pool of a store with a cafile: the
// system roots (which Go reads from SSL_CERT_FILE/SSL_CERT_DIR when set)
// plus the file's PEM certificates; nil without a cafile, which means the
// system roots alone. A relative path is taken from the home directory,
// like the store's mailbox names; "~/" is the home directory.
func rootsFor(cfg *config.Store, env store.Env) (*x509.CertPool, error) {
	if cfg.CAFile == "" {
		return nil, nil
	}
	path := cfg.CAFile
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		path = filepath.Join(env.Home, rest)
	} else if !filepath.IsAbs(path) {
		path = filepath.Join(env.Home, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cafile of store %s: %w", cfg.Name, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("cafile of store %s: %w", cfg.Name, &os.PathError{Op: "read", Path: path, Err: errors.New("no PEM certificate in the file")})
	}
	return pool, nil
}
