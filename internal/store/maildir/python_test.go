package maildir

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/testbin"
)

// pythonMaildir lists a Maildir with Python's mailbox module: for each
// message, by its Subject, its subdirectory and its info letters.
const pythonMaildir = `
import json, mailbox, sys
md = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = {}
for key in md.keys():
    m = md.get_message(key)
    out[m['Subject']] = [m.get_subdir(), m.get_flags()]
print(json.dumps(out))
`

// runPython runs script with args and decodes the JSON it prints into v.
// Without python3 the test is skipped (a failure under
// MAILSYNC_REQUIRE_TOOLS=1; scripts/setup.sh installs it).
func runPython(t *testing.T, v any, script string, args ...string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testbin.MissingTool(t, "python3 not found")
		return
	}
	out, err := exec.Command(py, append([]string{"-c", script}, args...)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("python3: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("python3: %v", err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python3 output %q: %v", out, err)
	}
}

// TestSetFlagsReadByPython: the flags SetFlags writes are what an
// independent reader, Python's mailbox.Maildir, finds: the info letters
// in order, the letters we do not manage kept, a message that got a flag
// in cur/, one left alone still in new/.
func TestSetFlagsReadByPython(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	// Written by other programs: Dovecot keywords, P (passed), T.
	put(t, filepath.Join(dir, "cur", "1000.M1P1.h:2,PSa"), "Subject: keywords\n\nbody\n", date)
	put(t, filepath.Join(dir, "cur", "1001.M1P1.h:2,FT"), "Subject: trashed\n\nbody\n", date)
	b := openBox(t, dir, store.ReadWrite, testEnv)
	for _, m := range []struct {
		subject string
		flags   store.Flags
	}{{"new", 0}, {"new-seen", 0}, {"flagged", store.Flagged | store.Seen}} {
		raw := "Subject: " + m.subject + "\r\n\r\nbody\r\n"
		err := b.Append(ctx, store.NewMessage{Flags: m.flags, InternalDate: date, Size: int64(len(raw)), Body: strings.NewReader(raw)})
		if err != nil {
			t.Fatal(err)
		}
	}
	msgs := listing(t, b)
	key := map[string]uint64{}
	for i, s := range subjects(msgs) {
		key[s] = msgs[i].Key
	}
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: key["keywords"], Add: store.Answered | store.Draft | store.Flagged, Remove: store.Seen},
		{Key: key["trashed"], Add: store.Seen, Remove: store.Flagged},
		{Key: key["new-seen"], Add: store.Seen},
		{Key: key["flagged"], Add: store.Answered, Remove: store.Flagged},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var got map[string][2]string
	runPython(t, &got, pythonMaildir, dir)
	want := map[string][2]string{
		"keywords": {"cur", "DFPRa"},
		"trashed":  {"cur", "ST"},
		"new":      {"new", ""},
		"new-seen": {"cur", "S"},
		"flagged":  {"cur", "RS"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Python's mailbox.Maildir reads\n%v\nwant\n%v", got, want)
	}
}
