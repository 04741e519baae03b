package imap_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/testservers"
)

// nulMessage has a NUL in its Message-ID and in its body.
const nulMessage = "From: joe@example.org\r\nMessage-ID: <a\x00b@example.org>\r\nSubject: nul\r\n\r\nbo\x00dy\r\n"

// TestAppendMapsNUL: a message with NUL bytes is appended as c-client
// does, each NUL sent as 0x80 (doc/design/servers.md, "NUL bytes"), to
// every server: go-imap's memory server (which keeps what it gets),
// Dovecot, Cyrus (which refuses an APPEND holding a NUL) and Courier. The
// copy reads back with 0x80 where the NULs were, and its id is the
// original's.
func TestAppendMapsNUL(t *testing.T) {
	want := bytes.ReplaceAll([]byte(nulMessage), []byte{0}, []byte{0x80})
	cases := []struct {
		name string
		dial func(t *testing.T) (*imap.Store, string)
	}{
		{"memory", func(t *testing.T) (*imap.Store, string) {
			m := startMemServer(t, false)
			st, err := m.dial(t, "", imap.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return st, "nul"
		}},
		{"dovecot", func(t *testing.T) (*imap.Store, string) {
			d := dovecot.Shared(t, dovecot.Options{})
			return dovecotStore(t, d, "/notls", false, ""), "nulmap"
		}},
		{"cyrus", func(t *testing.T) (*imap.Store, string) {
			// munge8bit would turn the header's 0x80 into "X".
			s := testservers.Start(t, testservers.Cyrus, testservers.Options{KeepEightBit: true})
			return serverStore(t, s, "/notls"), s.Prefix + "nulmap"
		}},
		{"courier", func(t *testing.T) (*imap.Store, string) {
			s := testservers.Start(t, testservers.Courier, testservers.Options{})
			return serverStore(t, s, "/notls"), s.Prefix + "nulmap"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, box := c.dial(t)
			defer st.Close()
			ctx := t.Context()
			if err := st.Create(ctx, box); err != nil {
				t.Fatal(err)
			}
			defer st.Delete(ctx, box)
			mb, err := st.Open(ctx, box, store.ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			defer mb.Close()
			raw := []byte(nulMessage)
			if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: bytes.NewReader(raw), InternalDate: time.Unix(1e9, 0)}); err != nil {
				t.Fatalf("append: %v", err)
			}
			msgs, err := mb.Messages(ctx)
			if err != nil || len(msgs) != 1 {
				t.Fatalf("Messages = %d, %v", len(msgs), err)
			}
			// The copy keeps the original's id, so the next run is quiet.
			for _, alg := range []msgid.Algorithm{msgid.MsgID, msgid.MD5} {
				if a, b := msgid.Compute(alg, raw), msgid.Compute(alg, msgs[0].Header); a.Value != b.Value {
					t.Errorf("the copy's id %q differs from the original's %q", b.Value, a.Value)
				}
			}
			rc, err := mb.Fetch(ctx, msgs[0].Key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("the copy reads %q (%v), want %q", got, err, want)
			}
		})
	}
}
