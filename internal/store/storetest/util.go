package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// wire turns a fixture written with LF line ends into wire form (CRLF).
func wire(lf string) []byte {
	return bytes.ReplaceAll([]byte(lf), []byte("\n"), []byte("\r\n"))
}

// hasBareLF reports whether b has an LF not preceded by CR.
func hasBareLF(b []byte) bool {
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			return true
		}
	}
	return false
}

// fixture returns a small distinct message numbered i, in wire form.
func fixture(i int) []byte {
	return wire(fmt.Sprintf("From: Sender %[1]d <s%[1]d@example.org>\n"+
		"To: rcpt@example.net\n"+
		"Subject: message %04[1]d\n"+
		"Date: Mon, 02 Jan 2006 15:04:05 -0700\n"+
		"Message-ID: <%[1]d.fixture@example.org>\n"+
		"\n"+
		"Body of message %[1]d.\n", i))
}

// fixtureDate is a distinct internal date for message i, whole seconds.
func fixtureDate(i int) time.Time {
	return time.Date(2005, 3, 4, 5, 6, 7, 0, time.UTC).Add(time.Duration(i) * time.Hour)
}

func (e env) create(t *testing.T, rel string) {
	t.Helper()
	if err := e.st.Create(t.Context(), e.name(rel)); err != nil {
		t.Fatalf("Create(%q): %v", e.name(rel), err)
	}
}

func (e env) open(t *testing.T, rel string, mode store.Mode) store.Mailbox {
	t.Helper()
	mb, err := e.st.Open(t.Context(), e.name(rel), mode)
	if err != nil {
		t.Fatalf("Open(%q, %v): %v", e.name(rel), mode, err)
	}
	return mb
}

func closeBox(t *testing.T, mb store.Mailbox) {
	t.Helper()
	if err := mb.Close(); err != nil {
		t.Fatalf("Mailbox.Close: %v", err)
	}
}

func appendRaw(t *testing.T, mb store.Mailbox, raw []byte, flags store.Flags, date time.Time) {
	t.Helper()
	err := mb.Append(t.Context(), store.NewMessage{
		Flags: flags, InternalDate: date, Size: int64(len(raw)), Body: bytes.NewReader(raw),
	})
	if err != nil {
		t.Fatalf("Append(%q): %v", firstLine(raw), err)
	}
}

func messages(t *testing.T, mb store.Mailbox) []store.Message {
	t.Helper()
	msgs, err := mb.Messages(t.Context())
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	return msgs
}

func fetch(t *testing.T, mb store.Mailbox, key uint64) []byte {
	t.Helper()
	rc, err := mb.Fetch(t.Context(), key)
	if err != nil {
		t.Fatalf("Fetch(%d): %v", key, err)
	}
	b, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("Fetch(%d): reading: %v", key, err)
	}
	return b
}

// seed creates rel and appends raws with the given flags and dates, and
// waits until a new session lists them all. Courier, now and then, lists
// none of the messages just appended to a folder in the session that
// follows at once (the flake of SetFlags/ReadBack and
// SetFlags/WithExpunge against Courier: "5 messages, want 0", two in
// about fifteen full runs; Courier looks for new files in its Maildir by
// the directories' times, in whole seconds). A later run of mailsync is
// seconds away; a test's next open is not.
func (e env) seed(t *testing.T, rel string, raws [][]byte, flags []store.Flags) {
	t.Helper()
	e.create(t, rel)
	mb := e.open(t, rel, store.ReadWrite)
	for i, raw := range raws {
		appendRaw(t, mb, raw, flags[i], fixtureDate(i))
	}
	closeBox(t, mb)
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		ro := e.open(t, rel, store.ReadOnly)
		n := len(messages(t, ro))
		closeBox(t, ro)
		if n == len(raws) {
			return
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("seed %s: a new session lists %d messages 5 s after %d were appended", rel, n, len(raws))
		}
	}
}

// snap is what a reader can observe of one message.
type snap struct {
	size  int64
	flags store.Flags
	date  time.Time
	body  []byte
}

// snapshot reads every message of an open mailbox with its bytes, and
// checks Size against the bytes.
func snapshot(t *testing.T, mb store.Mailbox) []snap {
	t.Helper()
	msgs := messages(t, mb)
	out := make([]snap, len(msgs))
	for i, m := range msgs {
		body := fetch(t, mb, m.Key)
		if int64(len(body)) != m.Size {
			t.Errorf("message %d: Size %d, Fetch yields %d bytes", i, m.Size, len(body))
		}
		out[i] = snap{size: m.Size, flags: m.Flags, date: m.InternalDate, body: body}
	}
	return out
}

// snapshotBox opens rel in mode, snapshots it and closes it.
func (e env) snapshotBox(t *testing.T, rel string, mode store.Mode) []snap {
	t.Helper()
	mb := e.open(t, rel, mode)
	defer closeBox(t, mb)
	return snapshot(t, mb)
}

// sameSnaps reports differences between two snapshots; flags are compared
// through s.cmpFlags.
func (s *suite) sameSnaps(t *testing.T, what string, before, after []snap, withRecent bool) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("%s: %d messages before, %d after", what, len(before), len(after))
	}
	for i := range before {
		b, a := before[i], after[i]
		if !bytes.Equal(b.body, a.body) {
			t.Errorf("%s: message %d bytes changed:\nbefore %q\nafter  %q", what, i, b.body, a.body)
		}
		if b.size != a.size {
			t.Errorf("%s: message %d Size changed: %d -> %d", what, i, b.size, a.size)
		}
		if fb, fa := s.cmpFlags(b.flags, withRecent), s.cmpFlags(a.flags, withRecent); fb != fa {
			t.Errorf("%s: message %d flags changed: %s -> %s", what, i, flagString(fb), flagString(fa))
		}
		if !b.date.Equal(a.date) {
			t.Errorf("%s: message %d InternalDate changed: %v -> %v", what, i, b.date, a.date)
		}
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %q", what, err, target)
	}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}
