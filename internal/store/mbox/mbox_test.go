package mbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

var ctx = context.Background()

func env() store.Env {
	t0 := time.Date(2026, 11, 25, 22, 5, 31, 0, time.UTC)
	return store.Env{User: "cloudsdk", Host: "vm", Now: func() time.Time { return t0 }}
}

func fetchAll(t *testing.T, b *Box, m store.Message) string {
	t.Helper()
	rc, err := b.Fetch(ctx, m.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != m.Size {
		t.Errorf("fetched %d bytes, Size %d", len(data), m.Size)
	}
	return string(data)
}

func TestReadMbox(t *testing.T) {
	file := "From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nDate: x\nSubject: " + PseudoSubject + "\nX-IMAP: 1795644331 0000000002\nStatus: RO\n\ntext\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nStatus: RO\nX-Status: F\nX-Keywords: k\nX-UID: 1\nmessage-id: <m1@x>\n\nbody\n>From x\ncr\r\n\n" +
		"From a@b Tue Jan  2 03:04:05 2024 +0200\nSubject: two\nstatus: bogus\n  bogus continuation\n\nFrom not a valid line\n\n" +
		"From a@b Wed Jan  3 01:02 2024\nSubject: three\n\nno newline at end"
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte(file), 0o600)
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ms, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("%d messages", len(ms))
	}
	for i, tc := range []struct {
		text  string
		flags store.Flags
		date  time.Time
		hdr   string
	}{
		{"Subject: one\r\nmessage-id: <m1@x>\r\n\r\nbody\r\n>From x\r\ncr\r\n", store.Seen | store.Flagged, time.Date(2024, 1, 1, 10, 0, 0, 0, time.Local), "Subject: one\nmessage-id: <m1@x>\n\n"},
		{"Subject: two\r\n\r\nFrom not a valid line\r\n", store.Recent, time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 7200)), "Subject: two\n\n"},
		{"Subject: three\r\n\r\nno newline at end", store.Recent, time.Date(2024, 1, 3, 1, 2, 0, 0, time.Local), "Subject: three\n\n"},
	} {
		if got := fetchAll(t, b, ms[i]); got != tc.text {
			t.Errorf("msg %d text %q", i, got)
		}
		if ms[i].Flags != tc.flags || !ms[i].InternalDate.Equal(tc.date) || string(ms[i].Header) != tc.hdr {
			t.Errorf("msg %d: flags %v date %v header %q", i, ms[i].Flags, ms[i].InternalDate, ms[i].Header)
		}
	}
}

func TestSize152(t *testing.T) {
	// doc/design/behaviour.md#copying: c-client's RFC 822 size counts CRLF line
	// ends, without the From_ line, status headers and separator line.
	msg := "Subject: s\nStatus: O\n\n" + strings.Repeat("x", 50) + "\n"
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte("From a@b Mon Jan  1 10:00:00 2024\n"+msg+"\n"), 0o600)
	b, _ := Open(path, store.ReadOnly, env())
	defer b.Close()
	ms, _ := b.Messages(ctx)
	if want := int64(len("Subject: s\r\n\r\n") + 52); ms[0].Size != want {
		t.Errorf("size %d want %d", ms[0].Size, want)
	}
}

func TestNotMbox(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "text")
	os.WriteFile(p, []byte("hello\nFrom a@b Mon Jan  1 10:00:00 2024\n"), 0o600)
	if _, err := Open(p, store.ReadOnly, env()); !errors.Is(err, store.ErrNotMailbox) {
		t.Errorf("text: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing"), store.ReadOnly, env()); !errors.Is(err, store.ErrNoMailbox) {
		t.Errorf("missing: %v", err)
	}
	if err := Create(p, env()); !errors.Is(err, store.ErrExists) {
		t.Errorf("create existing: %v", err)
	}
}

// TestAppendMatches527 compares with the channel message 5.2.7 appended
// to its msinfo (bytes copied from a real run).
func TestAppendMatches527(t *testing.T) {
	want := "From cloudsdk@vm Wed Nov 25 22:05:31 2026 +0000\nStatus: \nX-Status: \nX-Keywords:\nFrom: mailsync\nSubject: one\n\ninbox\n<w1@x>\n\n"
	var buf bytes.Buffer
	body := "From: mailsync\nSubject: one\n\ninbox\n<w1@x>\n"
	if _, err := WriteAppend(&buf, env(), store.NewMessage{InternalDate: env().Time(), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("got %q", buf.String())
	}
}

// TestAppendQuirks follows c-client's unix_append_msgs: the header
// renaming stops at the first X- line (5.2.7 wrote X-UID: 7 unrenamed in
// testdata/rewritten-after-append).
func TestAppendQuirks(t *testing.T) {
	msg := "From: A <a@x>\r\nStatus: RO\r\nX-Status: F\r\nX-UID: 7\r\nFrom bad header\r\n\r\nbody\r\n>From me\r\nFrom the start\r\nnul\x00here\r\ncr\rmid\r\nlast"
	var buf bytes.Buffer
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	WriteAppend(&buf, env(), store.NewMessage{Flags: store.Seen | store.Flagged | store.Deleted | store.Answered | store.Draft, InternalDate: date, Body: strings.NewReader(msg)})
	want := "From cloudsdk@vm Tue Jan  2 03:04:05 2024 +0000\nStatus: R\nX-Status: DFAT\nX-Keywords:\n" +
		"From: A <a@x>\nX-Original-Status: RO\nX-Original-X-Status: F\nX-UID: 7\n>From bad header\n\nbody\n>From me\n>From the start\nnul\x80here\ncrmid\nlast\n"
	if buf.String() != want {
		t.Errorf("got %q", buf.String())
	}
	fix, err := os.ReadFile("testdata/rewritten-after-append")
	if err != nil || !bytes.Contains(fix, []byte("X-Original-Status: RO\nX-Original-X-Status: F\n>From bad header\n")) {
		t.Errorf("fixture does not show the quirk: %v", err)
	}
}

func TestRoundTripAppendExpunge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "box")
	if err := Create(path, env()); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o640)
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	msgs := []string{"Subject: a\r\n\r\nA\r\n", "Subject: b\r\n\r\nFrom B\r\n", "Subject: c\r\n\r\nC\r\n"}
	for _, m := range msgs {
		if err := b.Append(ctx, store.NewMessage{Flags: store.Seen, InternalDate: env().Time(), Size: int64(len(m)), Body: strings.NewReader(m)}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := b.Messages(ctx)
	if err != nil || len(ms) != 3 {
		t.Fatalf("%v %v", ms, err)
	}
	if got := fetchAll(t, b, ms[1]); got != "Subject: b\r\n\r\n>From B\r\n" {
		t.Errorf("fetch %q", got)
	}
	if ms[0].Flags != store.Seen|store.Recent {
		t.Errorf("flags %v", ms[0].Flags)
	}
	before, _ := os.ReadFile(path)
	// another program appends behind our back (ignoring locks)
	extra := "From x@y Mon Jan  1 10:00:00 2024\nSubject: late\n\nlate\n\n"
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(extra)
	f.Close()
	if err := b.MarkDeleted(ctx, []uint64{ms[1].Key}); err != nil {
		t.Fatal(err)
	}
	n, err := b.Expunge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("expunge %d %v", n, err)
	}
	after, _ := os.ReadFile(path)
	i := bytes.Index(before, []byte("From cloudsdk@vm"))
	first := before[:i]
	rest := before[i:]
	j := bytes.Index(rest[1:], []byte("\nFrom cloudsdk@vm")) + 2
	k := bytes.Index(rest[j:], []byte("\nFrom cloudsdk@vm")) + j + 1
	want := string(first) + string(rest[:j]) + string(rest[k:]) + extra
	if string(after) != want {
		t.Errorf("after expunge:\n%s\nwant:\n%s", after, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", fi.Mode())
	}
	ms2, _ := b.Messages(ctx)
	if len(ms2) != 3 || ms2[0].Key != ms[0].Key || fetchAll(t, b, ms2[2]) != "Subject: late\r\n\r\nlate\r\n" {
		t.Errorf("after: %+v", ms2)
	}
	b.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("stray files %v", ents)
	}
}

func TestAppendEmptyFileAndLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, nil, 0o600)
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	short := env()
	short.LockWait = 200 * time.Millisecond
	if _, err := Open(path, store.ReadWrite, short); !errors.Is(err, ErrLocked) {
		t.Errorf("second open: %v", err)
	}
	m := "Subject: x\r\n\r\nx\r\n"
	if err := b.Append(ctx, store.NewMessage{InternalDate: env().Time(), Size: int64(len(m)), Body: strings.NewReader(m)}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock left")
	}
	r, _ := Open(path, store.ReadOnly, env())
	defer r.Close()
	ms, err := r.Messages(ctx)
	if err != nil || len(ms) != 1 || ms[0].Flags != store.Recent {
		t.Errorf("%+v %v", ms, err)
	}
	if err := r.Append(ctx, store.NewMessage{}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("read-only append: %v", err)
	}
}

func TestStaleDotlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, nil, 0o600)
	os.WriteFile(path+".lock", []byte("999999999\n"), 0o644)
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
}

// TestDotlockAgeByInjectedClock: a dotlock whose owner is alive is stale
// once it is older than staleAge by the store's clock (store.Env.Now),
// not by the system's: with the clock 6 minutes past the lock's time it
// is taken over at once; with the clock at the lock's time it is waited
// for.
func TestDotlockAgeByInjectedClock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, nil, 0o600)
	live := []byte(strconv.Itoa(os.Getpid()) + "\n")
	os.WriteFile(path+".lock", live, 0o644)
	fi, err := os.Stat(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	e := env()
	e.LockWait = 100 * time.Millisecond
	e.Now = func() time.Time { return fi.ModTime().Add(time.Minute) }
	if _, err := Open(path, store.ReadWrite, e); !errors.Is(err, ErrLocked) {
		t.Fatalf("open with a young live lock: %v, want ErrLocked", err)
	}
	var notes []store.Note
	e.Notes = func(n store.Note) { notes = append(notes, n) }
	e.Now = func() time.Time { return fi.ModTime().Add(staleAge + time.Minute) }
	b, err := Open(path, store.ReadWrite, e)
	if err != nil {
		t.Fatalf("open with an old lock: %v", err)
	}
	b.Close()
	want := store.StaleLockTaken{Lock: path + ".lock", PID: strconv.Itoa(os.Getpid()), MaxAge: staleAge}
	if len(notes) != 1 || notes[0] != store.Note(want) {
		t.Errorf("notes %+v, want %+v", notes, want)
	}
}
