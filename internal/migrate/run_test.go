package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/mutf7"
	"github.com/mailsync/mailsync/internal/testbin"
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if dir, ok := memoryTempDir(); ok {
		defer os.RemoveAll(dir)
	}
	code := testbin.Main(m) // the mailsync binary: testbin.Path
	if err := dovecot.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "stop dovecot:", err)
		code = 1
	}
	return code
}

// runTimeout bounds one mailsync run, so that a hang fails the test
// instead of the whole test binary. The heaviest run, 10,000 appends into
// one MH folder, takes 40-100 s (each append scans the whole folder).
const runTimeout = 5 * time.Minute

// memoryTempDir points TMPDIR (t.TempDir, the Dovecot servers) at a new
// directory in /dev/shm when TMPDIR is unset and /dev/shm is a writable
// directory. The heavy corpus puts some 200,000 fsyncs on the disk (every
// Maildir and MH append fsyncs the file and its directory, Dovecot fsyncs
// each APPEND); these tests check what arrives, not how fast the disk
// syncs, and on a memory file system the package runs about three times
// faster. With TMPDIR set, or without /dev/shm, the tests use the disk.
func memoryTempDir() (string, bool) {
	if os.Getenv("TMPDIR") != "" {
		return "", false
	}
	dir, err := os.MkdirTemp("/dev/shm", "mailsync-migrate-")
	if err != nil {
		return "", false
	}
	// Dovecot's mail account must be able to reach its directories.
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", false
	}
	os.Setenv("TMPDIR", dir)
	return dir, true
}

// home is a throw-away home directory mailsync runs in.
type home struct {
	dir   string
	user  string
	extra []string // more environment, e.g. SSL_CERT_FILE=...
}

func newHome(t *testing.T, user string) *home {
	return &home{dir: t.TempDir(), user: user}
}

func (h *home) path(rel string) string { return filepath.Join(h.dir, filepath.FromSlash(rel)) }

// write writes a file below the home directory, mode 0600 (mailsync warns
// about a readable configuration that holds a password).
func (h *home) write(t *testing.T, rel string, data []byte) {
	t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func (h *home) mkdir(t *testing.T, rels ...string) {
	t.Helper()
	for _, rel := range rels {
		if err := os.MkdirAll(h.path(rel), 0o700); err != nil {
			t.Fatal(err)
		}
	}
}

// result is one mailsync run.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs mailsync with args in the home directory, with a clean
// environment: HOME, USER, TZ=UTC (From_ lines without a zone are UTC),
// a fixed host name, PATH, plus h.extra.
func (h *home) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, testbin.Path(t), args...)
	cmd.Dir = h.dir
	cmd.Env = append([]string{"HOME=" + h.dir, "USER=" + h.user, "TZ=UTC", "PATH=/usr/bin:/bin",
		"MAILSYNC_TEST_HOSTNAME=migrate.test"}, h.extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("mailsync %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("mailsync %s: killed after %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), runTimeout, r.stdout, r.stderr)
	}
	return r
}

var (
	reBoxLine   = regexp.MustCompile(`^(.*): $`)
	reBoxWarn   = regexp.MustCompile(`^(.*?): Warning: `) // a box line followed by a warning
	reCopied    = regexp.MustCompile(`^(\d+) copied (\S+)->(\S+)\.$`)
	reRemain    = regexp.MustCompile(`^\d+ remains?\.$`)
	reBanner    = regexp.MustCompile(`^Synchronizing stores "[^"]*" <-> "[^"]*"\.\.\.$`)
	reAuthorize = regexp.MustCompile(`^Authorizing against \{[^}]*\}$`)
)

// userName is a box name as an IMAP client shows it: a channel with a
// server prints and pairs boxes under their modified UTF-7 names
// ("Entw&APw-rfe", doc/design/names.md), the corpus names them in UTF-8.
func userName(box string) string {
	if d, err := mutf7.Decode(box); err == nil && mutf7.Canonical(box) {
		return d
	}
	return box
}

// copies parses the output of a sync: the number of messages copied
// into each box in the direction dir ("A->B", with the store names). Any line that is not a banner, box, copied or remain line is
// returned in other, as are copies in the other direction.
func copies(out, dir string) (copied map[string]int, other []string) {
	copied = map[string]int{}
	box := ""
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case reBanner.MatchString(line), reAuthorize.MatchString(line), reRemain.MatchString(line):
		case reBoxLine.MatchString(line):
			box = userName(reBoxLine.FindStringSubmatch(line)[1])
		case reBoxWarn.MatchString(line):
			box = reBoxWarn.FindStringSubmatch(line)[1]
			other = append(other, line)
		case reCopied.MatchString(line):
			m := reCopied.FindStringSubmatch(line)
			n, _ := strconv.Atoi(m[1])
			if m[2]+"->"+m[3] != dir {
				other = append(other, line)
				continue
			}
			copied[box] += n
		default:
			other = append(other, line)
		}
	}
	return copied, other
}

// checkFirstRun checks the first run of a channel into an empty store:
// exit 0, nothing on stderr, and exactly the corpus's messages copied
// from the first store to the second (dir, "A->B" with the store names),
// nothing else done.
func checkFirstRun(t *testing.T, label, dir string, r result, want map[string]int) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Errorf("%s: exit %d, stderr:\n%s", label, r.code, r.stderr)
	}
	got, other := copies(r.stdout, dir)
	for _, line := range other {
		t.Errorf("%s: unexpected output line %q", label, line)
	}
	for box, n := range want {
		if got[box] != n {
			t.Errorf("%s: %d copied into %q, want %d", label, got[box], box, n)
		}
	}
	for box, n := range got {
		if _, ok := want[box]; !ok {
			t.Errorf("%s: %d copied into %q, which is not in the corpus", label, n, box)
		}
	}
}

// checkNoop checks a second run: exit 0, nothing on stderr, and only
// banner, box and "N remain." lines on stdout (no copy, no deletion, no
// expunge, no created box).
func checkNoop(t *testing.T, label string, r result) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Errorf("%s: exit %d, stderr:\n%s", label, r.code, r.stderr)
	}
	got, other := copies(r.stdout, "")
	for box, n := range got {
		t.Errorf("%s: %d copied into %q", label, n, box)
	}
	for _, line := range other {
		t.Errorf("%s: unexpected output line %q", label, line)
	}
}

// counts is the number of messages per box of a corpus.
func counts(c *corpus) map[string]int {
	out := map[string]int{}
	for box, ms := range c.msgs {
		out[box] = len(ms)
	}
	return out
}
