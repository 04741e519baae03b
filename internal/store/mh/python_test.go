package mh

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"reflect"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/testbin"
)

// pythonMH reads an MH folder with Python's mailbox module: the
// sequences (mailbox.MH.get_sequences) and, from the file times as
// c-client reads them, the messages that are seen (taken first: Python
// reading a file could advance its access time).
const pythonMH = `
import json, mailbox, os, sys
d = sys.argv[1]
seen = []
for name in sorted(os.listdir(d), key=lambda n: int(n) if n.isdigit() else -1):
    if name.isdigit():
        st = os.stat(os.path.join(d, name))
        if int(st.st_atime) > int(st.st_mtime):
            seen.append(int(name))
mh = mailbox.MH(d, factory=None, create=False)
print(json.dumps({"sequences": mh.get_sequences(), "seen": seen}))
`

// TestSetFlagsReadByPython: the flags SetFlags writes are what an
// independent reader finds: Python's mailbox.MH reads the sequences
// (replied, flagged, draft, and unseen left by a message set \Seen), the
// file times give \Seen; the user's sequences are as they were.
func TestSetFlagsReadByPython(t *testing.T) {
	dir := seqFolder(t, 5, map[int]bool{2: true, 5: true}, "cur: 3\nunseen: 1 3-4\nflagged: 2 4\nmine: 1-5\n")
	f := openT(t, dir, store.ReadWrite)
	flagsOf(t, f)
	err := f.SetFlags(context.Background(), []store.FlagChange{
		{Key: 1, Add: store.Seen | store.Answered},
		{Key: 2, Remove: store.Seen | store.Flagged},
		{Key: 3, Add: store.Draft | store.Flagged},
		{Key: 4, Add: store.Answered, Remove: store.Flagged},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		testbin.MissingTool(t, "python3 not found")
		return
	}
	out, err := exec.Command(py, "-c", pythonMH, dir).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("python3: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("python3: %v", err)
	}
	var got struct {
		Sequences map[string][]int
		Seen      []int
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python3 output %q: %v", out, err)
	}
	wantSeqs := map[string][]int{
		"cur":     {3},
		"unseen":  {3, 4},
		"flagged": {3},
		"replied": {1, 4},
		"draft":   {3},
		"mine":    {1, 2, 3, 4, 5},
	}
	if !reflect.DeepEqual(got.Sequences, wantSeqs) {
		t.Errorf("Python's mailbox.MH reads the sequences\n%v\nwant\n%v", got.Sequences, wantSeqs)
	}
	if want := []int{1, 5}; !reflect.DeepEqual(got.Seen, want) {
		t.Errorf("seen in the file times: %v, want %v", got.Seen, want)
	}
}
