package imap_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

var (
	tracedCommand = regexp.MustCompile(`^(T\d+) `)
	tracedReply   = regexp.MustCompile(`^(T\d+) (OK|NO|BAD)\b`)
	tracedStatus  = regexp.MustCompile(`^T\d+ STATUS \S+ \((.*)\)\r?$`)
)

// TestTraceOrder: in the -di trace every tagged reply follows its command
// (the trace is taken where the bytes are sent and read, not after
// go-imap sent them), and STATUS asks its items in one order, c-client's
// (doc/design/servers.md, "The trace"). Many short commands against a
// server that answers at once give go-imap's own trace every chance to
// show a reply first (Dovecot: the STATUS needs CONDSTORE).
func TestTraceOrder(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{})
	var trace syncBuffer
	st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls/user="+d.User+"}", imap.Options{
		Passwd: d.Password, Remote: store.Remote{Trace: &trace},
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	for range 200 {
		st.Signature(ctx, "INBOX")
		mb, err := st.Open(ctx, "INBOX", store.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		mb.Close()
	}
	sent := map[string]bool{}
	statuses := 0
	for _, line := range strings.Split(trace.String(), "\n") {
		if r := tracedReply.FindStringSubmatch(line); r != nil {
			if !sent[r[1]] {
				t.Fatalf("the reply %q is traced before its command", line)
			}
			continue
		}
		if c := tracedCommand.FindStringSubmatch(line); c != nil {
			sent[c[1]] = true
		}
		if s := tracedStatus.FindStringSubmatch(line); s != nil {
			statuses++
			if s[1] != "MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ" {
				t.Fatalf("STATUS items in the order %q", s[1])
			}
		}
	}
	if statuses != 200 {
		t.Errorf("%d STATUS commands traced, want 200", statuses)
	}
}
