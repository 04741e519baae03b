package imap_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store/imap"
)

// selfSigned is a self-signed certificate for localhost only (no IP
// address): for 127.0.0.1 both its chain and its name fail.
func selfSigned(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, leaf
}

// tlsServer accepts implicit-TLS connections with cfg, greets and holds
// them until the test ends; it returns the address.
func tlsServer(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					io.WriteString(tc, "* OK hi\r\n")
					io.Copy(io.Discard, tc)
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestCertificateChainBeforeName: a self-signed certificate whose name
// does not match either is reported for its chain, as 5.2.7 (OpenSSL)
// does; a trusted one whose name does not match for its name.
func TestCertificateChainBeforeName(t *testing.T) {
	cert, leaf := selfSigned(t)
	addr := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	_, err := imap.Dial(t.Context(), "{"+addr+"/ssl/user=sam}", imap.Options{Passwd: "x", RootCAs: x509.NewCertPool()})
	contact(t, err, "Certificate failure for 127.0.0.1: self-signed certificate: /CN=localhost")
	trusted := x509.NewCertPool()
	trusted.AddCert(leaf)
	_, err = imap.Dial(t.Context(), "{"+addr+"/ssl/user=sam}", imap.Options{Passwd: "x", RootCAs: trusted})
	contact(t, err, "Certificate failure for 127.0.0.1: Server name does not match certificate: /CN=localhost")
}

// TestTLSFailureReason: a TLS negotiation that fails (here: the server
// speaks only TLS 1.0) says so with c-client's "TLS/SSL failure" (not
// "Connection failed", the connection was made) and why, on a line of
// its own (the printer adds "Can't contact server" after it).
func TestTLSFailureReason(t *testing.T) {
	cert, _ := selfSigned(t)
	addr := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS10})
	_, err := imap.Dial(t.Context(), "{"+addr+"/ssl/novalidate-cert/user=sam}", imap.Options{Passwd: "x"})
	contact(t, err, "TLS/SSL failure for 127.0.0.1: SSL negotiation failed: ")
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "TLS/SSL failure for 127.0.0.1: SSL negotiation failed: ") ||
		!strings.Contains(lines[0], "protocol version") {
		t.Errorf("error %q: want the reason on one line", err)
	}
}
