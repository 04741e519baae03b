package imap

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"

	"github.com/mailsync/mailsync/internal/store"
)

// promptAttempts is c-client's number of tries with a typed password.
// A password that is not typed (passwd, passcmd) is tried once: repeating
// a wrong one only trips fail2ban and account lockouts
// (doc/design/accounts.md, "Once").
const promptAttempts = 3

// errCancelled is an empty password: c-client aborts the authentication.
// Its text is c-client's reason; the CLI's printer (package
// channel/event) follows it with 5.2.7's "IMAP Authentication cancelled"
// line (AuthCancelled).
var errCancelled error = cancelledError{}

type cancelledError struct{}

func (cancelledError) Error() string { return "IMAP protocol error: Authentication aborted by client." }

// AuthCancelled marks the error of an authentication the user cancelled.
func (cancelledError) AuthCancelled() bool { return true }

// login authenticates a fresh session (doc/design/behaviour.md#passwords, doc/design/decisions.md#d12-user-names, doc/design/decisions.md#d15-login-lines). It prints one
// "Authorizing against" line per attempt, as c-client's login callback
// does.
func (s *Store) login(ctx context.Context, sess *session) error {
	if sess.c.State() == goimap.ConnStateAuthenticated {
		s.mu.Lock()
		if s.user == "" {
			s.user = s.srv.User
		}
		s.mu.Unlock()
		return nil // PREAUTH
	}
	caps := sess.c.Caps()
	attempts := promptAttempts
	if s.opt.Passwd != "" || s.opt.Secret != nil {
		attempts = 1
	}
	var last error
	var pass string
	for attempt := 0; attempt < attempts; attempt++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.opt.Remote.Tell(store.Authorizing{Host: s.canonicalHost(ctx)})
		user, p, err := s.credentials(ctx)
		if err != nil {
			return err
		}
		pass = p
		if s.trace != nil {
			s.trace.hide(pass, quoted(pass), base64.StdEncoding.EncodeToString([]byte(s.srv.AuthUser+"\x00"+user+"\x00"+pass)),
				base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+pass)))
		}
		asked := time.Now()
		last = s.authenticate(sess, caps, user, pass)
		sess.quicker(time.Since(asked))
		if last == nil {
			s.mu.Lock()
			if s.user == "" {
				s.user = user
			}
			if s.login1 == nil {
				s.login1 = &credential{user: user, pass: pass}
			}
			s.mu.Unlock()
			return nil
		}
		var ie *goimap.Error
		if !errors.As(last, &ie) {
			return last // the connection broke, or no usable mechanism
		}
	}
	if s.opt.AuthMech == "" && !s.srv.Anonymous && !caps.Has("AUTH=CRAM-MD5") && !caps.Has(goimap.AuthCap(sasl.Plain)) {
		return wording("Too many login failures") // c-client's LOGIN path (Courier before STARTTLS)
	}
	return wording(hideSecret("Can not authenticate to IMAP server: "+responseText(last)+oauthDetail(last), pass))
}

// hideSecret replaces the secret in an error text (a server that echoes
// what it was sent must not put a password into our messages).
func hideSecret(text, secret string) string {
	if len(secret) < 4 {
		return text
	}
	return strings.ReplaceAll(text, secret, "****")
}

// credentials returns the user and password of one attempt.
func (s *Store) credentials(ctx context.Context) (string, string, error) {
	r := s.opt.Remote
	user := s.srv.User
	if user == "" && !s.srv.Anonymous {
		s.opt.Remote.Tell(store.UserPrompt{})
		if r.AskUser != nil {
			u, err := r.AskUser()
			if err != nil && !errors.Is(err, io.EOF) {
				return "", "", fmt.Errorf("read user name: %w", err)
			}
			user = strings.TrimRight(u, "\r\n")
		}
	}
	if s.srv.Anonymous {
		return "anonymous", "", nil
	}
	if s.opt.Secret != nil {
		pass, err := s.opt.Secret(ctx)
		return user, pass, err
	}
	if s.opt.Passwd != "" {
		return user, s.opt.Passwd, nil
	}
	if r.AskPassword == nil {
		return "", "", s.noPassword()
	}
	pass, err := r.AskPassword(" password: ")
	if errors.Is(err, store.ErrNoTerminal) {
		return "", "", s.noPassword()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", "", fmt.Errorf("read password: %w", err)
	}
	if pass == "" {
		return "", "", errCancelled
	}
	return user, pass, nil
}

func (s *Store) noPassword() error {
	return wording(fmt.Sprintf("No password for %s and no terminal to ask for one: add a passwd or passcmd line to the configuration (chmod 600 it)", s.opt.Name))
}

// authenticate makes one attempt: with the configured mechanism when
// there is one, else with the best the server offers: CRAM-MD5, else
// AUTHENTICATE PLAIN, else LOGIN; /secure forbids the last two over an
// unencrypted link.
func (s *Store) authenticate(sess *session, caps goimap.CapSet, user, pass string) error {
	if s.srv.Anonymous {
		return sess.c.Authenticate(sasl.NewAnonymousClient(""))
	}
	if s.opt.AuthMech != "" {
		return s.authenticateWith(sess, caps, s.opt.AuthMech, user, pass)
	}
	authUser := s.srv.AuthUser
	if caps.Has("AUTH=CRAM-MD5") {
		name := user
		if authUser != "" {
			name = authUser
		}
		return sess.c.Authenticate(&cramMD5{user: name, pass: pass})
	}
	if s.srv.Secure && !sess.secure {
		return wording("Can't do secure authentication with this server")
	}
	if caps.Has(goimap.AuthCap(sasl.Plain)) {
		if authUser != "" {
			return sess.c.Authenticate(sasl.NewPlainClient(user, authUser, pass))
		}
		return sess.c.Authenticate(sasl.NewPlainClient("", user, pass))
	}
	if caps.Has(goimap.CapLoginDisabled) {
		return wording("Can not authenticate to IMAP server: the server disables LOGIN and offers no usable authenticator")
	}
	return sess.c.Login(user, pass).Wait()
}

// cramMD5 is the client side of RFC 2195, which go-sasl lacks.
type cramMD5 struct{ user, pass string }

func (c *cramMD5) Start() (string, []byte, error) { return "CRAM-MD5", nil, nil }

func (c *cramMD5) Next(challenge []byte) ([]byte, error) {
	mac := hmac.New(md5.New, []byte(c.pass))
	mac.Write(challenge)
	return []byte(c.user + " " + hex.EncodeToString(mac.Sum(nil))), nil
}

// quoted is the IMAP quoted-string form of s.
func quoted(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// canonicalHost is c-client's canonical name of the server: the name an
// address resolves back to (127.0.0.1 → localhost), else the name given.
func (s *Store) canonicalHost(ctx context.Context) string {
	if s.host != "" {
		return s.host
	}
	if s.opt.CanonicalHost != nil {
		s.host = s.opt.CanonicalHost(ctx, s.srv.Host)
		return s.host
	}
	s.host = s.srv.Host
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if net.ParseIP(s.srv.Host) != nil {
		if names, err := net.DefaultResolver.LookupAddr(ctx, s.srv.Host); err == nil && len(names) > 0 {
			s.host = strings.TrimSuffix(names[0], ".")
		}
	} else if cname, err := net.DefaultResolver.LookupCNAME(ctx, s.srv.Host); err == nil && cname != "" {
		s.host = strings.TrimSuffix(cname, ".")
	}
	return s.host
}
