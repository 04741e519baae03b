package imap_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

const (
	testUser = "joe"
	testPass = "s3cr\"et"
)

// memServer is an in-process IMAP server (go-imap's imapmemserver) on a
// loopback port.
type memServer struct {
	addr string
	ca   *x509.CertPool
	// trace collects the server side of the dialogue.
	mu    sync.Mutex
	trace bytes.Buffer
	// hook, when set, sees every piece of the dialogue before the
	// server goes on (outside mu: it may talk to the server itself).
	hook func(string)
}

func (m *memServer) Write(p []byte) (int, error) {
	m.mu.Lock()
	n, err := m.trace.Write(p)
	hook := m.hook
	m.mu.Unlock()
	if hook != nil {
		hook(string(p))
	}
	return n, err
}

// setHook sets the dialogue hook (nil removes it).
func (m *memServer) setHook(f func(string)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hook = f
}

func (m *memServer) serverTrace() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trace.String()
}

// startMemServer starts a server offering STARTTLS with a certificate for
// 127.0.0.1 signed by a fresh test CA (m.ca).
func startMemServer(t *testing.T, withTLS bool) *memServer {
	t.Helper()
	return startMemServerCaps(t, withTLS, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapIMAP4rev2: {}})
}

// startMemServerCaps is startMemServer with the given capabilities.
func startMemServerCaps(t *testing.T, withTLS bool, caps goimap.CapSet) *memServer {
	t.Helper()
	m := &memServer{}
	opt := imaptest.Options{User: testUser, Password: testPass, Caps: caps, Trace: m}
	if withTLS {
		cert, pool := testCertificate(t)
		opt.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		m.ca = pool
	}
	addr, stop, err := imaptest.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	m.addr = addr
	t.Cleanup(stop)
	return m
}

// testCertificate makes a CA and a server certificate for 127.0.0.1 and
// localhost signed by it.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailsync test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// dial connects a Store to m with the given flags ("/notls" etc.).
func (m *memServer) dial(t *testing.T, flags string, opt imap.Options) (*imap.Store, error) {
	t.Helper()
	if opt.Passwd == "" {
		opt.Passwd = testPass
	}
	if opt.RootCAs == nil {
		opt.RootCAs = m.ca
	}
	if opt.CanonicalHost == nil {
		opt.CanonicalHost = func(context.Context, string) string { return "localhost" }
	}
	st, err := imap.Dial(t.Context(), "{"+m.addr+flags+"/user="+testUser+"}", opt)
	if err == nil {
		t.Cleanup(func() { st.Close() })
	}
	return st, err
}

var _ store.Store = (*imap.Store)(nil)

func x509Pool() *x509.CertPool { return x509.NewCertPool() }

func itoa(n int) string { return strconv.Itoa(n) }
