package imap_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os/exec"
	"strconv"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/testbin"
)

// pythonBodies prints, with Python's imaplib, the SHA-256 of every
// message of a folder in UID order: an independent reader of what we
// appended.
const pythonBodies = `
import hashlib, imaplib, json, sys
host, port, user, password, folder = sys.argv[1:]
c = imaplib.IMAP4(host, int(port))
c.login(user, password)
typ, _ = c.select('"' + folder + '"', readonly=True)
assert typ == 'OK', typ
typ, data = c.uid('SEARCH', None, 'ALL')
out = []
for uid in data[0].split():
    typ, msg = c.uid('FETCH', uid, '(BODY.PEEK[])')
    out.append(hashlib.sha256(msg[0][1]).hexdigest())
c.logout()
print(json.dumps(out))
`

// bodiesByPython returns the SHA-256 of each message of folder on d, in
// UID order, as Python's imaplib reads them. Without python3 the test is
// skipped (a failure under MAILSYNC_REQUIRE_TOOLS=1).
func bodiesByPython(t *testing.T, d *dovecot.Server, folder string) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testbin.MissingTool(t, "python3 not found")
		return nil
	}
	out, err := exec.Command(py, "-c", pythonBodies, "127.0.0.1", strconv.Itoa(d.Port()), d.User, d.Password, folder).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("python3: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("python3: %v", err)
	}
	var sums []string
	if err := json.Unmarshal(out, &sums); err != nil {
		t.Fatalf("python3 output %q: %v", out, err)
	}
	return sums
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
