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

// pythonExamine logs in with the script's arguments and examines the
// folder, as c.
const pythonExamine = `host, port, user, password, folder = sys.argv[1:]
c = imaplib.IMAP4(host, int(port))
c.login(user, password)
typ, _ = c.select('"' + folder + '"', readonly=True)
assert typ == 'OK', typ
`

// pythonBodies prints, with Python's imaplib, the SHA-256 of every
// message of a folder in UID order: an independent reader of what we
// appended.
const pythonBodies = `
import hashlib, imaplib, json, sys
` + pythonExamine + `
typ, data = c.uid('SEARCH', None, 'ALL')
out = []
for uid in data[0].split():
    typ, msg = c.uid('FETCH', uid, '(BODY.PEEK[])')
    out.append(hashlib.sha256(msg[0][1]).hexdigest())
c.logout()
print(json.dumps(out))
`

// pythonFlags prints, with Python's imaplib, the system flags of every
// message of a folder by UID (\Recent left out: it is per session).
const pythonFlags = `
import imaplib, json, re, sys
` + pythonExamine + `
typ, data = c.uid('FETCH', '1:*', '(UID FLAGS)')
out = {}
for line in data:
    m = re.search(rb'UID (\d+) FLAGS \(([^)]*)\)', line) or re.search(rb'FLAGS \(([^)]*)\) UID (\d+)', line)
    uid, flags = (m.group(1), m.group(2)) if m.re.pattern.startswith(b'UID') else (m.group(2), m.group(1))
    out[uid.decode()] = sorted(f for f in flags.decode().split() if f != '\\Recent')
c.logout()
print(json.dumps(out))
`

// bodiesByPython returns the SHA-256 of each message of folder on d, in
// UID order, as Python's imaplib reads them. Without python3 the test is
// skipped (a failure under MAILSYNC_REQUIRE_TOOLS=1).
func bodiesByPython(t *testing.T, d *dovecot.Server, folder string) []string {
	t.Helper()
	var sums []string
	if !runPython(t, d, pythonBodies, folder, &sums) {
		return nil
	}
	return sums
}

// flagsByPython returns the system flags of each message of folder on d
// by UID, sorted, as Python's imaplib reads them; nil without python3.
func flagsByPython(t *testing.T, d *dovecot.Server, folder string) map[string][]string {
	t.Helper()
	var flags map[string][]string
	if !runPython(t, d, pythonFlags, folder, &flags) {
		return nil
	}
	return flags
}

// runPython runs script for folder on d and decodes its JSON output into
// out; false when python3 is missing (the test is skipped, or fails
// under MAILSYNC_REQUIRE_TOOLS=1).
func runPython(t *testing.T, d *dovecot.Server, script, folder string, out any) bool {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testbin.MissingTool(t, "python3 not found")
		return false
	}
	b, err := exec.Command(py, "-c", script, "127.0.0.1", strconv.Itoa(d.Port()), d.User, d.Password, folder).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("python3: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("python3: %v", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("python3 output %q: %v", b, err)
	}
	return true
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
