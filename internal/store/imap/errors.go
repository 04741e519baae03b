package imap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

// ContactError is a failure to connect to or log in to a server. Its text
// is c-client's reason; the CLI's printer (package channel/event) adds
// 5.2.7's "Can't contact server" line after it (doc/design/behaviour.md#connections), naming
// ContactServer.
type ContactError struct {
	// Server is the server part as the configuration wrote it.
	Server string
	// Reason is c-client's wording, e.g. "Connection failed to
	// 127.0.0.1,2143: Connection refused".
	Reason string
	// Err is the underlying error.
	Err error
}

func (e *ContactError) Error() string { return e.Reason }

// ContactServer is the server that could not be contacted, as the
// configuration wrote it.
func (e *ContactError) ContactServer() string { return e.Server }

func (e *ContactError) Unwrap() error { return e.Err }

// unavailableError is why a Store was given up: a command made no
// progress for the stall time. It wraps store.ErrStoreUnavailable.
type unavailableError struct {
	server string // the server part as configured; "" when unknown
	stall  time.Duration
}

func (e *unavailableError) Error() string {
	who := "the server"
	if e.server != "" {
		who = "server " + e.server
	}
	return fmt.Sprintf("no answer from %s for %v: connection given up", who, e.stall)
}

func (e *unavailableError) Unwrap() error { return store.ErrStoreUnavailable }

// wording is an error whose text is c-client's, capitals included.
type wording string

func (w wording) Error() string { return string(w) }

// connectReason words a dial or TLS error as c-client does.
func connectReason(srv Server, err error) string {
	var certErr *certificateError
	if errors.As(err, &certErr) {
		return certErr.Error()
	}
	var tlsErr *tlsError
	if errors.As(err, &tlsErr) {
		return tlsErr.Error()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return "No such host as " + srv.Host
	}
	port := srv.Port
	if port == 0 {
		port = 143
		if srv.SSL {
			port = 993
		}
	}
	return fmt.Sprintf("Connection failed to %s,%d: %s", srv.Host, port, syscallText(err))
}

// syscallText is strerror's text for the errno inside err, or Go's text.
func syscallText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return capitalize(errno.Error())
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "Connection timed out"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "Connection timed out"
	}
	return err.Error()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// certificateError is a failed certificate check, worded as c-client's
// "Certificate failure for HOST: REASON: SUBJECT".
type certificateError struct {
	host, reason, subject string
	err                   error
}

func (e *certificateError) Error() string {
	s := "Certificate failure for " + e.host + ": " + e.reason
	if e.subject != "" {
		s += ": " + e.subject
	}
	return s
}

func (e *certificateError) Unwrap() error { return e.err }

// tlsError is a failed TLS negotiation other than a certificate check
// (no common protocol version or cipher, a peer that does not speak TLS),
// worded as c-client's "TLS/SSL failure for HOST: ..." with the reason.
type tlsError struct {
	host string
	err  error
}

func (e *tlsError) Error() string {
	return "TLS/SSL failure for " + e.host + ": SSL negotiation failed: " + e.err.Error()
}

func (e *tlsError) Unwrap() error { return e.err }

// handshakeError words a failed TLS handshake with host: a certificate
// failure (asCertificateError; roots are the trusted roots, nil: the
// system's) or a tlsError. A deadline or cancellation stays as it is.
func handshakeError(host string, err error, roots *x509.CertPool) error {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	if ce := asCertificateError(host, err, roots); ce != err {
		return ce
	}
	return &tlsError{host, err}
}

// asCertificateError recognises a TLS verification failure. Like OpenSSL
// (which checks the chain before c-client checks the name), a certificate
// whose chain fails is reported for its chain even when its name does
// not match either (Go checks the name first).
func asCertificateError(host string, err error, roots *x509.CertPool) error {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		reason := "unable to get local issuer certificate"
		if c := unknown.Cert; c != nil && c.Subject.String() == c.Issuer.String() {
			reason = "self-signed certificate"
		}
		return &certificateError{host, reason, subject(unknown.Cert), err}
	case errors.As(err, &hostErr):
		if errors.As(err, &verify) {
			if chainErr := verifyChain(verify.UnverifiedCertificates, roots); chainErr != nil {
				if ce, ok := asCertificateError(host, chainErr, roots).(*certificateError); ok {
					ce.err = err
					return ce
				}
			}
		}
		return &certificateError{host, "Server name does not match certificate", subject(hostErr.Certificate), err}
	case errors.As(err, &invalid):
		reason := invalid.Error()
		if invalid.Reason == x509.Expired {
			reason = "certificate has expired"
		}
		return &certificateError{host, reason, subject(invalid.Cert), err}
	case errors.As(err, &verify):
		var c *x509.Certificate
		if len(verify.UnverifiedCertificates) > 0 {
			c = verify.UnverifiedCertificates[0]
		}
		return &certificateError{host, verify.Err.Error(), subject(c), err}
	}
	return err
}

// verifyChain checks the chain the server sent (leaf first) against
// roots without the name check.
func verifyChain(chain []*x509.Certificate, roots *x509.CertPool) error {
	if len(chain) == 0 {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	return err
}

// subject renders a certificate subject the way OpenSSL's one-line form
// does ("/CN=localhost").
func subject(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	for _, n := range c.Subject.Names {
		key := n.Type.String()
		switch key {
		case "2.5.4.3":
			key = "CN"
		case "2.5.4.10":
			key = "O"
		case "2.5.4.11":
			key = "OU"
		case "2.5.4.6":
			key = "C"
		case "2.5.4.7":
			key = "L"
		case "2.5.4.8":
			key = "ST"
		}
		fmt.Fprintf(&b, "/%s=%v", key, n.Value)
	}
	return b.String()
}

// responseText renders a tagged NO/BAD as c-client does: "[CODE] text".
func responseText(err error) string {
	var ie *goimap.Error
	if errors.As(err, &ie) {
		if ie.Code != "" {
			return "[" + string(ie.Code) + "] " + ie.Text
		}
		return ie.Text
	}
	return err.Error()
}

// hasCode reports whether err is a server response with that code.
func hasCode(err error, code goimap.ResponseCode) bool {
	var ie *goimap.Error
	return errors.As(err, &ie) && ie.Code == code
}
