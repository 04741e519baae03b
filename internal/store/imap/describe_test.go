package imap

import "testing"

// TestStreamNames checks c-client's stream names against 5.2.7's -d
// output (doc/design/cli.md, "-d and c-client's names"); the cases with
// /notls and /ssl are also pinned by internal/difftest/imap_debug_test.go.
func TestStreamNames(t *testing.T) {
	for _, c := range []struct{ server, fetch string }{
		{"{127.0.0.1:143/notls/norsh/user=sam}", `{127.0.0.1:143/imap/notls/readonly/user="sam"}INBOX`},
		{"{127.0.0.1:993/ssl/novalidate-cert/user=sam}", `{127.0.0.1:993/imap/notls/ssl/novalidate-cert/readonly/user="sam"}INBOX`},
		{"{127.0.0.1/novalidate-cert/ssl/user=sam}", `{127.0.0.1:993/imap/notls/ssl/novalidate-cert/readonly/user="sam"}INBOX`},
		{"{localhost/user=sam}", `{localhost:143/imap/readonly/user="sam"}INBOX`},
		{"{mail.example.org/tls/secure/user=sam}", `{mail.example.org:143/imap/tls/secure/readonly/user="sam"}INBOX`},
		{"{127.0.0.1:143/notls/readonly/anonymous}", `{127.0.0.1:143/imap/notls/readonly/anonymous}INBOX`},
	} {
		srv, _, err := ParseName(c.server)
		if err != nil {
			t.Fatalf("%s: %v", c.server, err)
		}
		s := &Store{srv: srv}
		if got := s.Describe("INBOX"); got != c.fetch {
			t.Errorf("%s: Describe = %s, want %s", c.server, got, c.fetch)
		}
		want := c.fetch[:len(c.fetch)-len("INBOX")] + "<no_mailbox>"
		if got := s.ListStreamName(); got != want {
			t.Errorf("%s: ListStreamName = %s, want %s", c.server, got, want)
		}
	}
}
