package mbox

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// fuzzSeq gives every fuzz input its own file name.
var fuzzSeq atomic.Int64

// snapshot is what a reader sees of one message.
type snapshot struct {
	text  string
	flags store.Flags
	date  string
	hdr   string
}

// readAll opens path and returns every message with its fetched text,
// checking that each Fetch yields exactly Size bytes.
func readAll(t *testing.T, path string, mode store.Mode) (*Box, []store.Message, []snapshot, error) {
	t.Helper()
	b, err := Open(path, mode, env())
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := b.Messages(ctx)
	if err != nil {
		b.Close()
		return nil, nil, nil, err
	}
	snaps := make([]snapshot, len(ms))
	for i, m := range ms {
		rc, err := b.Fetch(ctx, m.Key)
		if err != nil {
			t.Fatalf("Fetch of listed message %d: %v", i, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("reading message %d: %v", i, err)
		}
		if int64(len(data)) != m.Size {
			t.Fatalf("message %d: Fetch gave %d bytes, Size says %d", i, len(data), m.Size)
		}
		if bytes.Contains(data, []byte("\n")) && bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
			t.Fatalf("message %d: bare LF in fetched text %q", i, data)
		}
		if string(m.Header) != "\n" && !bytes.HasSuffix(m.Header, []byte("\n\n")) {
			t.Fatalf("message %d: header %q does not end with an empty line", i, m.Header)
		}
		snaps[i] = snapshot{text: string(data), flags: m.Flags, date: m.InternalDate.String(), hdr: string(m.Header)}
	}
	// A second listing reads the headers again: it must list the same.
	again, err := b.Messages(ctx)
	if err != nil || len(again) != len(ms) {
		t.Fatalf("second listing: %d messages, %v (first: %d)", len(again), err, len(ms))
	}
	for i, m := range again {
		if m.Key != ms[i].Key || m.Size != ms[i].Size || m.Flags != ms[i].Flags ||
			m.InternalDate.String() != snaps[i].date || string(m.Header) != snaps[i].hdr {
			t.Fatalf("message %d listed again as %+v, first as %+v", i, m, ms[i])
		}
	}
	return b, ms, snaps, nil
}

// FuzzRead feeds any bytes to the mbox reader. It must not panic; it
// either refuses the file with an error or lists messages whose Fetch
// yields exactly Size bytes. parseBytes (the msinfo reader) must agree.
// An expunge of nothing must leave the file byte for byte as it was, and
// expunging one message must keep every other message unchanged.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"",
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nMessage-ID: <1@x>\n\nbody\n\n",
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody\nFrom b@c Tue Jan  2 10:00:00 2024\nStatus: RO\nX-Status: D\n\nx\n",
		"From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nSubject: " + PseudoSubject + "\nX-IMAP: 1795644331 0000000002\n\ntext\n\nFrom a@b Mon Jan  1 10:00 2024\n\nno newline",
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody\n\nFrom a@b Mon Jan  1 10:00:00 2024\nX-IMAP: 1 2\nSubject: two\n\nb\n",
		"\n\n  From a@b Mon Jan  1 10:00:00 2024\r\nSubject: crlf\r\n\r\nbody\r\n",
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: \x00nul\xff\n\n>From x\n\n",
		"not an mbox\n",
	} {
		f.Add([]byte(s))
	}
	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "box"+strconv.FormatInt(fuzzSeq.Add(1), 10))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		b, _, before, err := readAll(t, path, store.ReadOnly)
		rf, perr := parseBytes(data, path)
		if err != nil {
			if !errors.Is(err, store.ErrNotMailbox) {
				t.Fatalf("refused with an error that is not ErrNotMailbox: %v", err)
			}
			return
		}
		b.Close()
		if perr != nil {
			t.Fatalf("Messages succeeded but parseBytes failed: %v", perr)
		}
		if len(rf.Messages) != len(before) {
			t.Fatalf("Messages lists %d messages, parseBytes %d", len(before), len(rf.Messages))
		}

		// Expunge of nothing changes nothing.
		rw, ms, _, err := readAll(t, path, store.ReadWrite)
		if err != nil {
			t.Fatalf("read-write open after a good read-only one: %v", err)
		}
		flagged := 0
		victim := -1
		for i, m := range ms {
			if m.Flags&store.Deleted != 0 {
				flagged++
			} else if victim < 0 {
				victim = i
			}
		}
		if flagged == 0 {
			n, err := rw.Expunge(ctx)
			if err != nil || n != 0 {
				t.Fatalf("Expunge of nothing = %d, %v", n, err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, data) {
				t.Fatalf("Expunge of nothing changed the file:\n%q\n%q", data, now)
			}
		}

		// Expunging one message (and those already flagged \Deleted)
		// keeps every other message as it was.
		var want []snapshot
		for i, s := range before {
			if i != victim && s.flags&store.Deleted == 0 {
				want = append(want, s)
			}
		}
		if victim >= 0 {
			if err := rw.MarkDeleted(ctx, []uint64{ms[victim].Key}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := rw.Expunge(ctx)
		if err != nil {
			t.Fatalf("Expunge: %v", err)
		}
		if n != len(before)-len(want) {
			t.Fatalf("Expunge removed %d messages, want %d", n, len(before)-len(want))
		}
		if err := rw.Close(); err != nil {
			t.Fatal(err)
		}
		after, _, got, err := readAll(t, path, store.ReadOnly)
		if err != nil {
			now, _ := os.ReadFile(path)
			t.Fatalf("the rewritten file cannot be read: %v\nbefore %q\nafter  %q", err, data, now)
		}
		after.Close()
		if len(got) != len(want) {
			now, _ := os.ReadFile(path)
			t.Fatalf("after expunge %d messages, want %d\nbefore %q\nafter  %q", len(got), len(want), data, now)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("message %d changed by the expunge:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}

		// Appending the input as a message twice adds exactly two
		// messages and changes none of the others.
		wire := appendCRLF(nil, data)
		rw, _, _, err = readAll(t, path, store.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		was, _ := os.ReadFile(path)
		for range 2 { // the second append finds the file as the first left it
			err := rw.Append(ctx, store.NewMessage{Size: int64(len(wire)), Body: bytes.NewReader(wire)})
			if errors.Is(err, errFromAtEnd) {
				if now, _ := os.ReadFile(path); !bytes.Equal(now, was) {
					t.Fatalf("refused append changed the file:\n%q\n%q", was, now)
				}
				return
			}
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
		}
		rw.Close()
		after, _, got, err = readAll(t, path, store.ReadOnly)
		if err != nil {
			t.Fatalf("the file cannot be read after an append: %v", err)
		}
		after.Close()
		if len(got) != len(want)+2 {
			now, _ := os.ReadFile(path)
			t.Fatalf("after two appends %d messages, want %d\nfile %q", len(got), len(want)+2, now)
		}
		if a, b := got[len(want)], got[len(want)+1]; !strings.HasPrefix(a.text, b.text) || strings.Trim(a.text[len(b.text):], "\r\n") != "" {
			t.Fatalf("the same message appended twice reads back as\n%q\n%q", a.text, b.text)
		}
		for i := range want {
			g := got[i]
			if i == len(want)-1 {
				// The last message may gain the line ends that let a
				// new message follow it.
				if rest, ok := strings.CutPrefix(g.text, want[i].text); ok && strings.Trim(rest, "\r\n") == "" && len(rest) <= 4 {
					g.text = want[i].text
				}
			}
			if g != want[i] {
				t.Fatalf("message %d changed by the append:\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
	})
}

// fuzzDir is a directory for a fuzz target's files, removed at its end:
// on a tmpfs when there is one, which keeps the fsyncs of every input
// cheap.
func fuzzDir(f *testing.F) string {
	dir, err := os.MkdirTemp("/dev/shm", "mailsync-fuzz-")
	if err != nil {
		return f.TempDir()
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
