package imap_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// logins counts the login commands (LOGIN or AUTHENTICATE) the server saw.
func (m *memServer) logins() int {
	return len(regexp.MustCompile(`(?m)^\S+ (LOGIN|AUTHENTICATE) `).FindAllString(m.serverTrace(), -1))
}

// A typed password may be asked three times, as c-client does.
func TestTypedPasswordThreeAttempts(t *testing.T) {
	m := startMemServer(t, true)
	var out bytes.Buffer
	prompts := 0
	_, err := imap.Dial(t.Context(), "{"+m.addr+"/user="+testUser+"}", imap.Options{RootCAs: m.ca,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
		Remote: store.Remote{Notes: printed(&out), AskPassword: func(string) (string, error) {
			prompts++
			return "wrong", nil
		}}})
	contact(t, err, "Can not authenticate to IMAP server: ")
	if n := strings.Count(out.String(), "Authorizing against {localhost/imap}\n"); n != 3 || prompts != 3 || m.logins() != 3 {
		t.Errorf("%d Authorizing lines, %d prompts, %d logins; want 3 each:\n%s", n, prompts, m.logins(), out.String())
	}
}

// A secret from passcmd (Options.Secret) is used instead of Passwd or a
// prompt, and a wrong one is tried once.
func TestSecretTriedOnce(t *testing.T) {
	m := startMemServer(t, true)
	calls := 0
	secret := func(context.Context) (string, error) { calls++; return "wrong", nil }
	asked := false
	var out bytes.Buffer
	_, err := m.dial(t, "", imap.Options{Secret: secret, Remote: store.Remote{Notes: printed(&out),
		AskPassword: func(string) (string, error) { asked = true; return testPass, nil }}})
	contact(t, err, "Can not authenticate to IMAP server: ")
	if calls != 1 || asked || m.logins() != 1 || strings.Count(out.String(), "Authorizing") != 1 {
		t.Errorf("secret called %d times, prompt asked %v, %d logins, notes %q; want 1, false, 1, one line", calls, asked, m.logins(), out.String())
	}
	good := func(context.Context) (string, error) { return testPass, nil }
	if _, err := m.dial(t, "", imap.Options{Secret: good}); err != nil {
		t.Fatalf("a right secret: %v", err)
	}
}

// A failing secret source is the error, without a prompt or a login.
func TestSecretFails(t *testing.T) {
	m := startMemServer(t, true)
	boom := errors.New(`passcmd of store "work" failed: exit status 3`)
	_, err := m.dial(t, "", imap.Options{Secret: func(context.Context) (string, error) { return "", boom },
		Remote: store.Remote{AskPassword: func(string) (string, error) { t.Error("prompted"); return "", nil }}})
	contact(t, err, boom.Error())
	if !errors.Is(err, boom) || m.logins() != 0 {
		t.Errorf("err = %v, %d logins; want the secret's error and no login", err, m.logins())
	}
}

// authmech picks the mechanism: LOGIN is the LOGIN command even where
// AUTHENTICATE PLAIN is offered; a mechanism the server does not announce
// fails at once, naming what it offers.
func TestAuthMech(t *testing.T) {
	m := startMemServer(t, true)
	if _, err := m.dial(t, "", imap.Options{AuthMech: "LOGIN"}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\S+ LOGIN `).MatchString(m.serverTrace()) {
		t.Errorf("authmech LOGIN did not send LOGIN:\n%s", m.serverTrace())
	}
	if _, err := m.dial(t, "", imap.Options{AuthMech: "PLAIN"}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\S+ AUTHENTICATE PLAIN`).MatchString(m.serverTrace()) {
		t.Errorf("authmech PLAIN did not AUTHENTICATE PLAIN:\n%s", m.serverTrace())
	}
	before := m.logins()
	_, err := m.dial(t, "", imap.Options{AuthMech: "XOAUTH2"})
	contact(t, err, "Can not authenticate to IMAP server: authmech XOAUTH2, but the server offers PLAIN")
	if m.logins() != before {
		t.Error("an unoffered mechanism was tried")
	}
}

// /secure refuses a configured plaintext mechanism over a clear link.
func TestAuthMechSecure(t *testing.T) {
	m := startMemServer(t, true)
	for _, mech := range []string{"LOGIN", "PLAIN", "XOAUTH2"} {
		_, err := m.dial(t, "/notls/secure", imap.Options{AuthMech: mech})
		contact(t, err, "Can't do secure authentication with this server")
	}
	if m.logins() != 0 {
		t.Error("a credential went over the clear link")
	}
}
