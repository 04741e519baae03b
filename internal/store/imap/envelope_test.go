package imap_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

var envelopeCommand = regexp.MustCompile(`(?m)^\S+ UID FETCH \S+ \(UID ENVELOPE\)`)

// syncBuffer is a trace sink safe for go-imap's reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEnvelopeSenderRoundTrips: against Dovecot, a listing asks the
// server's ENVELOPE only for the messages whose -m sender shows a From
// address without a domain, in one command, and never when there are
// none (the common case); the header cache keeps the answer, so a cached
// listing asks nothing (doc/design/servers.md, "Envelope senders").
func TestEnvelopeSenderRoundTrips(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{})
	box := fmt.Sprintf("env%d", folderSeq.Add(1))
	cacheDir := t.TempDir()
	var trace syncBuffer
	open := func(mode store.Mode) store.Mailbox {
		st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls/user="+d.User+"}", imap.Options{
			Passwd: d.Password, CacheDir: cacheDir, Remote: store.Remote{Trace: &trace},
			CanonicalHost: func(context.Context, string) string { return "localhost" },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if mode == store.ReadWrite {
			if err := st.Create(t.Context(), box); err != nil {
				t.Fatal(err)
			}
		}
		mb, err := st.Open(t.Context(), box, mode)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mb.Close() })
		return mb
	}
	ctx := t.Context()
	mb := open(store.ReadWrite)
	add := func(from, id string) {
		raw := "From: " + from + "\r\nSubject: s\r\nMessage-ID: <" + id + "@x>\r\n\r\nbody\r\n"
		if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: time.Unix(1e9, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	add("joe@example.org", "1")
	add("Joe <joe>", "2") // a display name: the column shows it whatever the host
	envelopes := func(mb store.Mailbox) ([]store.Message, int) {
		before := len(trace.String())
		msgs, err := mb.Messages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return msgs, len(envelopeCommand.FindAllString(trace.String()[before:], -1))
	}
	if _, n := envelopes(mb); n != 0 {
		t.Errorf("a listing without domainless senders sent %d ENVELOPE fetches", n)
	}
	add("mailsync", "3")
	add("ann, Bob <bob@example.org>", "4")
	msgs, n := envelopes(mb)
	if n != 1 {
		t.Errorf("%d ENVELOPE fetches, want 1", n)
	}
	senders := func(msgs []store.Message) map[string]string {
		got := map[string]string{}
		for _, m := range msgs {
			id, _ := header.Get(m.Header, "Message-ID")
			got[id], _ = header.Get(m.Header, header.EnvelopeSenderField)
		}
		return got
	}
	want := map[string]string{"<1@x>": "", "<2@x>": "", "<3@x>": "mailsync@MISSING_DOMAIN", "<4@x>": "ann@MISSING_DOMAIN"}
	if got := senders(msgs); !maps.Equal(got, want) {
		t.Errorf("envelope senders %q, want %q", got, want)
	}
	mb.Close() // the read-write session saved the cache
	msgs, n = envelopes(open(store.ReadOnly))
	if n != 0 {
		t.Errorf("a cached listing sent %d ENVELOPE fetches, want 0", n)
	}
	if got := senders(msgs); !maps.Equal(got, want) {
		t.Errorf("from the cache: envelope senders %q, want %q", got, want)
	}
}
