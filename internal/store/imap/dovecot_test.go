package imap_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if err := dovecot.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, "stop dovecot:", err)
		code = 1
	}
	os.Exit(code)
}

// folderSeq makes every conformance store a fresh folder tree of its own
// on the shared server.
var folderSeq atomic.Int64

// dovecotStore connects to a shared Dovecot with the given flags; port
// picks the plain (STARTTLS) or the IMAPS listener.
// cacheDir, when not empty, is the stores' header cache directory.
func dovecotStore(t *testing.T, d *dovecot.Server, flags string, tlsPort bool, cacheDir string) *imap.Store {
	t.Helper()
	addr := d.Addr()
	if tlsPort {
		addr = d.TLSAddr()
	}
	st, err := imap.Dial(t.Context(), "{"+addr+flags+"/user="+d.User+"}", imap.Options{
		Passwd: d.Password, RootCAs: d.TLSConfig().RootCAs,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
		CacheDir:      cacheDir,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformanceDovecot runs the store conformance suite against a real
// Dovecot, with both hierarchy styles and every transport.
func TestConformanceDovecot(t *testing.T) {
	cases := []struct {
		name  string
		opt   dovecot.Options
		flags string
		tls   bool
		cache bool // with a header cache
	}{
		{"Slash/STARTTLS", dovecot.Options{Delim: '/'}, "", false, false},
		{"DotInboxPrefix/IMAPS", dovecot.Options{Delim: '.', InboxPrefix: true}, "/ssl", true, false},
		{"Slash/plain", dovecot.Options{Delim: '/'}, "/notls", false, false},
		{"Slash/plain/HeaderCache", dovecot.Options{Delim: '/'}, "/notls", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := dovecot.Shared(t, c.opt)
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (store.Store, func(string) string) {
					cacheDir := ""
					if c.cache {
						cacheDir = t.TempDir()
					}
					st := dovecotStore(t, d, c.flags, c.tls, cacheDir)
					root := fmt.Sprintf("%sconf%d", d.Prefix, folderSeq.Add(1))
					delim := string(d.Delim)
					return st, func(rel string) string { return root + delim + strings.ReplaceAll(rel, "/", delim) }
				},
				Delim:                d.Delim,
				Parents:              storetest.ParentNoSelect,
				ParentBecomesMailbox: true,
				ClampsFutureDates:    true,
				KeepsKeywords:        true,
				Many:                 100,
			})
		})
	}
}

// TestDovecotCertificates: the test CA trusted → IMAPS and STARTTLS work;
// not trusted → a certificate failure unless /novalidate-cert.
func TestDovecotCertificates(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	for _, c := range []struct{ flags, addr string }{{"/ssl", d.TLSAddr()}, {"/tls", d.Addr()}} {
		name := "{" + c.addr + c.flags + "/user=" + d.User + "}"
		st, err := imap.Dial(t.Context(), name, imap.Options{Passwd: d.Password, RootCAs: d.TLSConfig().RootCAs})
		if err != nil {
			t.Errorf("%s with the CA trusted: %v", name, err)
		} else {
			st.Close()
		}
		_, err = imap.Dial(t.Context(), name, imap.Options{Passwd: d.Password, RootCAs: x509Pool()})
		contact(t, err, "Certificate failure for 127.0.0.1: unable to get local issuer certificate")
		name = "{" + c.addr + c.flags + "/novalidate-cert/user=" + d.User + "}"
		st, err = imap.Dial(t.Context(), name, imap.Options{Passwd: d.Password, RootCAs: x509Pool()})
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else {
			st.Close()
		}
	}
}
