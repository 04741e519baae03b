package imap

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"unicode"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

// The configured login mechanisms of authmech (doc/design/accounts.md,
// "authmech"). Without authmech, authenticate chooses as c-client does.

// authenticateWith makes one attempt with the configured mechanism. LOGIN
// is the IMAP LOGIN command (as in mbsync's AuthMechs); the others are
// SASL mechanisms the server must announce as AUTH=MECH. With XOAUTH2 and
// OAUTHBEARER pass is the access token and user the account (/user=).
func (s *Store) authenticateWith(sess *session, caps goimap.CapSet, mech, user, pass string) error {
	plaintext := mech != "CRAM-MD5"
	if s.srv.Secure && !sess.secure && plaintext {
		return wording("Can't do secure authentication with this server")
	}
	if mech == "LOGIN" {
		if caps.Has(goimap.CapLoginDisabled) {
			return wording("Can not authenticate to IMAP server: authmech LOGIN, but the server disables LOGIN")
		}
		return sess.c.Login(user, pass).Wait()
	}
	if !caps.Has(goimap.AuthCap(mech)) {
		return wording(fmt.Sprintf("Can not authenticate to IMAP server: authmech %s, but the server offers %s", mech, offered(caps)))
	}
	var c sasl.Client
	switch mech {
	case "PLAIN":
		if s.srv.AuthUser != "" {
			c = sasl.NewPlainClient(user, s.srv.AuthUser, pass)
		} else {
			c = sasl.NewPlainClient("", user, pass)
		}
	case "CRAM-MD5":
		name := user
		if s.srv.AuthUser != "" {
			name = s.srv.AuthUser
		}
		c = &cramMD5{user: name, pass: pass}
	case "XOAUTH2":
		// The acknowledgement should be an empty response, but go-imap
		// sends that as "=", which Dovecot refuses as bad base64; any
		// response ends a failed exchange, so send what OAUTHBEARER does.
		c = &oauthClient{mech: mech, ir: "user=" + user + "\x01auth=Bearer " + pass + "\x01\x01", ack: []byte{0x01}}
	case "OAUTHBEARER":
		host, port, _ := net.SplitHostPort(s.srv.Address())
		c = &oauthClient{mech: mech, ack: []byte{0x01},
			ir: "n,a=" + gs2Name(user) + ",\x01host=" + host + "\x01port=" + port + "\x01auth=Bearer " + pass + "\x01\x01"}
	default:
		return fmt.Errorf("authmech %s: not implemented", mech)
	}
	err := sess.c.Authenticate(&maskedClient{Client: c, secret: pass, trace: s.trace})
	if oc, ok := c.(*oauthClient); ok && oc.status != nil && err != nil {
		return &oauthError{err: err, status: oc.status}
	}
	return err
}

// offered lists the AUTH= mechanisms of caps, for an error message.
func offered(caps goimap.CapSet) string {
	var m []string
	for c := range caps {
		if name, ok := strings.CutPrefix(string(c), "AUTH="); ok {
			m = append(m, name)
		}
	}
	if len(m) == 0 {
		return "no AUTHENTICATE mechanism"
	}
	slices.Sort(m)
	return strings.Join(m, " ")
}

// gs2Name escapes a name for a GS2 header (RFC 5801): "," and "=".
func gs2Name(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}

// oauthClient is the client side of XOAUTH2 (Google's and Microsoft's
// bearer-token mechanism) and of OAUTHBEARER (RFC 7628). A rejected token
// is answered with a continuation carrying the server's JSON status: it is
// kept for the error message and acknowledged with %x01, after which the
// server sends its NO.
type oauthClient struct {
	mech, ir string
	ack      []byte
	status   []byte // the server's error challenge, if any
}

func (c *oauthClient) Start() (string, []byte, error) { return c.mech, []byte(c.ir), nil }

func (c *oauthClient) Next(challenge []byte) ([]byte, error) {
	if c.status != nil {
		return nil, fmt.Errorf("%s: unexpected second challenge from the server", c.mech)
	}
	c.status = bytes.Clone(challenge)
	return c.ack, nil
}

// oauthError is a rejected token: the server's final response and the
// JSON status it sent before it.
type oauthError struct {
	err    error
	status []byte
}

func (e *oauthError) Error() string { return e.err.Error() }
func (e *oauthError) Unwrap() error { return e.err }

// oauthDetail is the " (server status: JSON)" suffix of a login error
// whose token was rejected with a JSON status; "" otherwise.
func oauthDetail(err error) string {
	var oe *oauthError
	if !errors.As(err, &oe) || len(oe.status) == 0 {
		return ""
	}
	status := strings.Map(func(r rune) rune { // no control bytes on the terminal
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(oe.status), "?"))
	return " (server status: " + strings.TrimSpace(status) + ")"
}

// maskedClient hides, in the -di trace, every SASL response that carries
// the secret, in the base64 form it is sent in.
type maskedClient struct {
	sasl.Client
	secret string
	trace  *maskingWriter
}

func (m *maskedClient) hide(resp []byte) {
	if m.trace != nil && m.secret != "" && bytes.Contains(resp, []byte(m.secret)) {
		m.trace.hide(base64.StdEncoding.EncodeToString(resp))
	}
}

func (m *maskedClient) Start() (string, []byte, error) {
	mech, ir, err := m.Client.Start()
	m.hide(ir)
	return mech, ir, err
}

func (m *maskedClient) Next(challenge []byte) ([]byte, error) {
	resp, err := m.Client.Next(challenge)
	m.hide(resp)
	return resp, err
}
