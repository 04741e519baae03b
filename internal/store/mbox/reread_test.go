package mbox

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestMessagesAgain: a Box keeps no header, so a second listing reads the
// headers of the messages it knows again; it must list them exactly as the
// first did (with the marks made since) and then the messages appended.
func TestMessagesAgain(t *testing.T) {
	file := "From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nDate: x\nSubject: " + PseudoSubject + "\nX-IMAP: 1795644331 0000000002\nStatus: RO\n\ntext\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nStatus: RO\nX-Status: F\nX-Keywords: k\nX-UID: 1\nmessage-id: <m1@x>\n\nbody\n>From x\ncr\r\n\n" +
		"From a@b Tue Jan  2 03:04:05 2024 +0200\nSubject: two\nstatus: bogus\n  bogus continuation\nFrom: A <a@b>\nTo: c@d\n\nFrom not a valid line\n\n" +
		"From a@b Wed Jan  3 01:02 2024 EST\nSubject: three\n\nno newline at end"
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	first, err := b.Messages(ctx)
	if err != nil || len(first) != 3 {
		t.Fatalf("Messages: %d, %v", len(first), err)
	}
	if err := b.MarkDeleted(ctx, []uint64{first[1].Key}); err != nil {
		t.Fatal(err)
	}
	raw := []byte("Subject: four\r\nMessage-ID: <m4@x>\r\n\r\nfour\r\n")
	date := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600))
	if err := b.Append(ctx, store.NewMessage{Flags: store.Seen, InternalDate: date, Size: int64(len(raw)), Body: bytes.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	var streamed []store.Message
	err = b.EachMessage(ctx, func(m store.Message) error {
		m.Header = bytes.Clone(m.Header)
		streamed = append(streamed, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.Messages(ctx)
	if err != nil || len(again) != 4 || len(streamed) != 4 {
		t.Fatalf("Messages again: %d, EachMessage: %d, %v", len(again), len(streamed), err)
	}
	for _, list := range [][]store.Message{again, streamed} {
		for i, m := range list {
			want := store.Message{Key: m.Key, Size: m.Size, Flags: store.Seen | store.Recent, InternalDate: date, Header: []byte("Subject: four\nMessage-ID: <m4@x>\n\n")}
			if i < len(first) {
				want = first[i]
				if i == 1 {
					want.Flags |= store.Deleted
				}
			}
			if m.Key != want.Key || m.Size != want.Size || m.Flags != want.Flags ||
				m.InternalDate.String() != want.InternalDate.String() || !bytes.Equal(m.Header, want.Header) {
				t.Errorf("message %d listed again as\n%+v\nwant\n%+v", i, m, want)
			}
		}
	}
	if got := fetchAll(t, b, again[3]); got != string(raw) {
		t.Errorf("appended message reads %q", got)
	}
}

// TestMessagesAfterShrink: a file cut by another program is an error on
// the next listing, not a shorter list.
func TestMessagesAfterShrink(t *testing.T) {
	file := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody\n\nFrom a@b Mon Jan  1 10:00:00 2024\nSubject: two\n\nbody\n"
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ms, err := b.Messages(ctx); err != nil || len(ms) != 2 {
		t.Fatalf("Messages: %d, %v", len(ms), err)
	}
	if err := os.Truncate(path, 20); err != nil {
		t.Fatal(err)
	}
	if ms, err := b.Messages(ctx); err == nil {
		t.Fatalf("Messages after the file shrank: %d messages, no error", len(ms))
	}
}

// TestEachMessageStops: an error from fn stops the reading and is
// returned as it is, on the first reading (a scan) and on a later one
// (headers read again): the engine stops a pass there once it has read
// the messages it needs (store.Streamer).
func TestEachMessageStops(t *testing.T) {
	file := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody\n\nFrom a@b Mon Jan  1 10:00:00 2024\nSubject: two\n\nbody\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nSubject: three\n\nbody\n"
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	stop := errors.New("enough")
	for _, pass := range []string{"scan", "again"} {
		if pass == "again" {
			if ms, err := b.Messages(ctx); err != nil || len(ms) != 3 {
				t.Fatalf("Messages after the stopped scan: %d, %v", len(ms), err)
			}
		}
		calls := 0
		err := b.EachMessage(ctx, func(m store.Message) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		})
		if err != stop || calls != 2 {
			t.Errorf("%s: %d calls, error %v, want 2 calls and the error of fn itself", pass, calls, err)
		}
	}
	if ms, err := b.Messages(ctx); err != nil || len(ms) != 3 {
		t.Errorf("Messages after the stopped reading: %d, %v", len(ms), err)
	}
}
