package imap_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/storetest"
	"github.com/mailsync/mailsync/internal/testservers"
)

// serverStore connects to s with the given flags (STARTTLS verified
// against the test CA unless /notls).
func serverStore(t *testing.T, s *testservers.Server, flags string) *imap.Store {
	t.Helper()
	st, err := imap.Dial(t.Context(), "{"+s.Addr()+flags+"/user="+s.User+"}", imap.Options{
		Passwd: s.Password, RootCAs: s.TLSConfig().RootCAs,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// traits are where the servers differ from Dovecot for the suite: Cyrus
// makes the parent of INBOX.a.b a real mailbox; Courier (Maildir++) lists
// it \Noselect until created, and adds CRLF to a message without a final
// line end; neither clamps future INTERNALDATEs.
var traits = map[testservers.Kind]storetest.Harness{
	testservers.Cyrus:   {Parents: storetest.ParentMailbox},
	testservers.Courier: {Parents: storetest.ParentNoSelect, ParentBecomesMailbox: true, AddsFinalNewline: true},
}

// TestConformanceCyrusCourier runs the store conformance suite against
// real Cyrus IMAP 3.6 and Courier-IMAP 5 (doc/design/servers.md) over
// STARTTLS (plain IMAP and Courier's LOGIN path are the CLI scenarios'
// in package testservers). Both name folders INBOX.x with '.'.
func TestConformanceCyrusCourier(t *testing.T) {
	for _, k := range []testservers.Kind{testservers.Cyrus, testservers.Courier} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			// Cyrus munges 8-bit header bytes by default (a test of its
			// own, TestCyrusMunges8bit); the suite checks they arrive.
			s := testservers.Start(t, k, testservers.Options{KeepEightBit: true})
			h := traits[k]
			var seq int
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (store.Store, func(string) string) {
					st := serverStore(t, s, "")
					seq++
					root := fmt.Sprintf("%sconf%d", s.Prefix, seq)
					delim := string(s.Delim)
					return st, func(rel string) string { return root + delim + strings.ReplaceAll(rel, "/", delim) }
				},
				Delim:                s.Delim,
				Parents:              h.Parents,
				ParentBecomesMailbox: h.ParentBecomesMailbox,
				AddsFinalNewline:     h.AddsFinalNewline,
				KeepsKeywords:        true,
				Many:                 100,
			})
		})
	}
}
