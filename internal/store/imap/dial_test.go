package imap_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// contact asserts err is a *imap.ContactError whose reason contains want.
func contact(t *testing.T, err error, want string) {
	t.Helper()
	var ce *imap.ContactError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v (%T), want *imap.ContactError", err, err)
	}
	if !strings.Contains(ce.Reason, want) {
		t.Errorf("reason = %q, want it to contain %q", ce.Reason, want)
	}
	if !strings.HasSuffix(err.Error(), ce.Reason) || ce.ContactServer() != ce.Server || ce.Server == "" {
		t.Errorf("error text = %q, server %q: want the reason, and the server for the printer", err.Error(), ce.ContactServer())
	}
}

func TestSTARTTLSWhenOffered(t *testing.T) {
	m := startMemServer(t, true)
	var out bytes.Buffer
	st, err := m.dial(t, "", imap.Options{Remote: store.Remote{Notes: printed(&out)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.List(t.Context(), "", "*"); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\S+ STARTTLS\r?$`).MatchString(m.serverTrace()) {
		t.Error("the client did not use STARTTLS although the server offered it")
	}
	if got := out.String(); got != "Authorizing against {localhost/imap}\n" {
		t.Errorf("login notes = %q, want one Authorizing line (D15)", got)
	}
}

func TestNoTLS(t *testing.T) {
	m := startMemServer(t, true)
	if _, err := m.dial(t, "/notls", imap.Options{}); err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^\S+ STARTTLS\r?$`).MatchString(m.serverTrace()) {
		t.Error("/notls sent STARTTLS")
	}
}

func TestCertificateUntrusted(t *testing.T) {
	m := startMemServer(t, true)
	_, err := m.dial(t, "", imap.Options{RootCAs: x509Pool()})
	contact(t, err, "Certificate failure for 127.0.0.1: unable to get local issuer certificate: /CN=localhost")
	if _, err := m.dial(t, "/novalidate-cert", imap.Options{RootCAs: x509Pool()}); err != nil {
		t.Errorf("/novalidate-cert: %v", err)
	}
}

func TestTLSRequiredButMissing(t *testing.T) {
	m := startMemServer(t, false)
	_, err := m.dial(t, "/tls", imap.Options{})
	contact(t, err, "Unable to negotiate TLS with this server")
	if _, err := m.dial(t, "", imap.Options{}); err != nil {
		t.Errorf("without /tls a server without STARTTLS must work in clear: %v", err)
	}
}

func TestSecureRefusesPlaintextPassword(t *testing.T) {
	m := startMemServer(t, true)
	_, err := m.dial(t, "/notls/secure", imap.Options{})
	contact(t, err, "Can't do secure authentication with this server")
	if strings.Contains(m.serverTrace(), "LOGIN") || strings.Contains(m.serverTrace(), "AUTHENTICATE") {
		t.Error("/secure sent credentials over an unencrypted link")
	}
	if _, err := m.dial(t, "/secure", imap.Options{}); err != nil {
		t.Errorf("/secure over STARTTLS: %v", err)
	}
}

// A wrong configured password is tried once (doc/design/accounts.md,
// "Once"); see auth_test.go for typed passwords and passcmd.
func TestWrongPasswordOneAttempt(t *testing.T) {
	m := startMemServer(t, true)
	var out bytes.Buffer
	_, err := m.dial(t, "", imap.Options{Passwd: "wrong", Remote: store.Remote{Notes: printed(&out)}})
	contact(t, err, "Can not authenticate to IMAP server: ")
	if n := strings.Count(out.String(), "Authorizing against {localhost/imap}\n"); n != 1 {
		t.Errorf("%d Authorizing lines, want 1 (one attempt):\n%s", n, out.String())
	}
}

func TestNoPasswordNoTerminal(t *testing.T) {
	m := startMemServer(t, true)
	st, err := imap.Dial(t.Context(), "{"+m.addr+"/user=joe}", imap.Options{RootCAs: m.ca})
	if err == nil {
		st.Close()
	}
	contact(t, err, "No password for {"+m.addr+"/user=joe} and no terminal to ask for one")
	asked := false
	_, err = imap.Dial(t.Context(), "{"+m.addr+"/user=joe}", imap.Options{RootCAs: m.ca, Remote: store.Remote{
		AskPassword: func(string) (string, error) { asked = true; return "", store.ErrNoTerminal },
	}})
	contact(t, err, "no terminal to ask for one")
	if !asked {
		t.Error("AskPassword was not tried")
	}
}

func TestPromptedCredentials(t *testing.T) {
	m := startMemServer(t, true)
	var out bytes.Buffer
	var prompts []string
	remote := store.Remote{
		Notes:   printed(&out),
		AskUser: func() (string, error) { return testUser + "\n", nil },
		AskPassword: func(p string) (string, error) {
			prompts = append(prompts, p)
			return testPass, nil
		},
	}
	st, err := imap.Dial(t.Context(), "{"+m.addr+"}", imap.Options{RootCAs: m.ca, Remote: remote,
		CanonicalHost: func(context.Context, string) string { return "localhost" }})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := out.String(); got != "Authorizing against {localhost/imap}\n username: " {
		t.Errorf("stdout = %q", got)
	}
	if len(prompts) != 1 || prompts[0] != " password: " {
		t.Errorf("password prompts = %q", prompts)
	}
	remote.AskPassword = func(string) (string, error) { return "", nil }
	_, err = imap.Dial(t.Context(), "{"+m.addr+"}", imap.Options{RootCAs: m.ca, Remote: remote})
	contact(t, err, "IMAP protocol error: Authentication aborted by client.")
	var c interface{ AuthCancelled() bool }
	if !errors.As(err, &c) || !c.AuthCancelled() {
		t.Errorf("error %v: not marked as a cancelled authentication", err)
	}
}

func TestTraceMasksPassword(t *testing.T) {
	m := startMemServer(t, true)
	var trace bytes.Buffer
	st, err := m.dial(t, "/notls", imap.Options{Remote: store.Remote{Trace: &trace}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.List(t.Context(), "", "*"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	got := trace.String()
	for _, secret := range []string{testPass, `s3cr\"et`, base64.StdEncoding.EncodeToString([]byte("\x00" + testUser + "\x00" + testPass))} {
		if strings.Contains(got, secret) {
			t.Errorf("trace shows the password as %q:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "****") || !strings.Contains(got, "LIST") {
		t.Errorf("trace lacks the masked login or the LIST:\n%s", got)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	_, err = imap.Dial(t.Context(), "{127.0.0.1:"+itoa(addr.Port)+"/notls/user=joe}", imap.Options{Passwd: "x"})
	contact(t, err, "Connection failed to 127.0.0.1,"+itoa(addr.Port)+": Connection refused")
}

// TestSilentServerTimesOut: a server that accepts and never greets must
// not hang a cron job.
func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	_, err = imap.Dial(t.Context(), "{"+ln.Addr().String()+"/notls/user=joe}", imap.Options{Passwd: "x", Timeout: 200 * time.Millisecond})
	contact(t, err, "Connection timed out")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Dial took %v with a 200ms timeout", d)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = imap.Dial(ctx, "{"+ln.Addr().String()+"/notls/user=joe}", imap.Options{Passwd: "x"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Dial = %v, want context.Canceled", err)
	}
}

// TestNonASCIIFolderNames: the store's names are the server's modified
// UTF-7 (RFC 3501 5.1.3), as 5.2.7 pairs and records them
// (doc/design/names.md): a listed name is never decoded, a name in that
// form is sent as it is (never encoded twice), and a UTF-8 name written
// in the configuration is sent encoded.
func TestNonASCIIFolderNames(t *testing.T) {
	m := startMemServerCaps(t, false, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapUnselect: {}})
	st, err := m.dial(t, "", imap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	name := "Entwürfe/Grüße & Co"
	if err := st.Create(t.Context(), name); err != nil {
		t.Fatal(err)
	}
	list, err := st.List(t.Context(), "", "Entw*")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	const wire = "Entw&APw-rfe/Gr&APwA3w-e &- Co"
	if !slices.Contains(names, wire) {
		t.Errorf("List = %q, want it to contain %q", names, wire)
	}
	for _, n := range []string{wire, name} {
		mb, err := st.Open(t.Context(), n, store.ReadWrite)
		if err != nil {
			t.Fatalf("open %q: %v", n, err)
		}
		mb.Close()
	}
	if tr := m.serverTrace(); strings.Contains(tr, "&-APw") || strings.Contains(tr, "&-AOk") {
		t.Errorf("a name was encoded twice:\n%s", tr)
	}
	if tr := m.serverTrace(); !strings.Contains(tr, `"Entw&APw-rfe/Gr&APwA3w-e &- Co"`) {
		t.Errorf("the wire does not carry the modified UTF-7 name:\n%s", tr)
	}
}
