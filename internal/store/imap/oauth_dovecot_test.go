package imap_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// oauthDovecot starts a Dovecot whose oauth2 passdb asks an endpoint of
// this test that knows one token for the server's user.
func oauthDovecot(t *testing.T) (*dovecot.Server, *dovecot.Tokens, string) {
	t.Helper()
	const token = "ya29.good-token-for-joe"
	tokens, err := dovecot.ServeTokens(map[string]string{token: dovecot.DefaultUser.Name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tokens.Close() })
	return dovecot.Start(t, dovecot.Options{OAuth2URL: tokens.URL}), tokens, token
}

// TestOAuth2Dovecot logs in to a real Dovecot with XOAUTH2 and
// OAUTHBEARER: a valid token works (and never shows in the -di trace);
// a revoked one fails once with the server's reason and its JSON status.
// Plain passwords keep working beside the oauth2 passdb.
func TestOAuth2Dovecot(t *testing.T) {
	d, tokens, token := oauthDovecot(t)
	name := "{" + d.Addr() + "/notls/user=" + d.User + "}"
	host := func(context.Context, string) string { return "localhost" }
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			var trace, out bytes.Buffer
			asked := tokens.Asked()
			st, err := imap.Dial(t.Context(), name, imap.Options{AuthMech: mech, Passwd: token, CanonicalHost: host,
				Remote: store.Remote{Trace: &trace, Notes: printed(&out)}})
			if err != nil {
				t.Fatalf("valid token: %v", err)
			}
			if _, err := st.List(t.Context(), "", "*"); err != nil {
				t.Fatal(err)
			}
			st.Close()
			if tokens.Asked() == asked {
				t.Error("the endpoint was not asked: the token was not checked by introspection")
			}
			if strings.Contains(trace.String(), "good-token") || !strings.Contains(trace.String(), "AUTHENTICATE "+mech) {
				t.Errorf("trace shows the token or lacks the AUTHENTICATE:\n%s", trace.String())
			}
			for _, enc := range []string{"dXNlcj1qb2UBYXV0aD1CZWFyZXIg", "bixhPWpvZSwBaG9zdD0xMjcuMC4wLjEB"} {
				if strings.Contains(trace.String(), enc) {
					t.Errorf("trace shows the SASL response %q", enc)
				}
			}

			out.Reset()
			_, err = imap.Dial(t.Context(), name, imap.Options{AuthMech: mech, Passwd: "expired-token", CanonicalHost: host,
				Remote: store.Remote{Notes: printed(&out)}})
			var ce *imap.ContactError
			if !errors.As(err, &ce) {
				t.Fatalf("invalid token: err = %v, want a ContactError", err)
			}
			if !strings.HasPrefix(ce.Reason, "Can not authenticate to IMAP server: [AUTHENTICATIONFAILED] ") ||
				!strings.Contains(ce.Reason, "(server status: {") {
				t.Errorf("reason = %q, want the server's NO and its JSON status", ce.Reason)
			}
			if n := strings.Count(out.String(), "Authorizing against"); n != 1 {
				t.Errorf("%d login attempts, want 1", n)
			}
			t.Logf("reason: %s", ce.Reason)
		})
	}
	t.Run("PLAIN beside oauth2", func(t *testing.T) {
		st, err := imap.Dial(t.Context(), name, imap.Options{AuthMech: "PLAIN", Passwd: d.Password, CanonicalHost: host})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := imap.Dial(t.Context(), name, imap.Options{Passwd: d.Password, CanonicalHost: host}); err != nil {
			t.Fatalf("without authmech: %v", err)
		}
	})
}
