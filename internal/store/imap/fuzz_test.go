package imap

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseName checks the server-name parser on any input: it never
// panics; a failure is a *NameError naming the input; a success starts
// with '{', has a host, a port in range, the service imap, consistent
// TLS flags, the text after the first '}' as mailbox, an address that
// splits back into the host and port, and the same server with another
// mailbox.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		"{imap.example.org}INBOX",
		"{127.0.0.1:1143/notls/norsh/user=joe}INBOX.work",
		"{mail/ssl/novalidate-cert/user=\"a b\"}",
		"{[::1]:2000/imap4rev1/tls/secure/readonly}x",
		"{h/user=\"x\\/y\"}",
		"{h//ssl}",
		"{[1.2.3.4}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		srv, mailbox, err := ParseName(name)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) || ne.Name != name || !strings.Contains(err.Error(), name) {
				t.Fatalf("ParseName(%q) error %v is not a NameError naming the input", name, err)
			}
			if srv != (Server{}) || mailbox != "" {
				t.Fatalf("ParseName(%q) failed but returned %+v, %q", name, srv, mailbox)
			}
			return
		}
		if !IsRemote(name) {
			t.Fatalf("ParseName(%q) accepted a name without '{'", name)
		}
		end := strings.IndexByte(name, '}')
		if end < 0 || mailbox != name[end+1:] {
			t.Fatalf("ParseName(%q): mailbox %q is not what follows the first '}'", name, mailbox)
		}
		if srv.Host == "" || srv.Port < 0 || srv.Port > 65535 || srv.Service != "imap" {
			t.Fatalf("ParseName(%q) = %+v: bad host, port or service", name, srv)
		}
		if srv.TLS && (srv.SSL || srv.NoTLS) || srv.SSL && srv.NoTLS {
			t.Fatalf("ParseName(%q) = %+v: contradictory TLS flags", name, srv)
		}
		// A host with a bracket outside a literal ("{]}") is accepted
		// and fails at dial time ("unexpected ']' in address"), where
		// c-client would say "No such host": not checked here.
		if strings.ContainsAny(srv.Host, "[]") {
			return
		}
		host, port, err := net.SplitHostPort(srv.Address())
		if err != nil || host != srv.Host {
			t.Fatalf("ParseName(%q): Address() %q does not split back into host %q: %v", name, srv.Address(), srv.Host, err)
		}
		if p, _ := strconv.Atoi(port); srv.Port != 0 && p != srv.Port || srv.Port == 0 && p != 143 && p != 993 {
			t.Fatalf("ParseName(%q): Address() %q has port %s, want %d", name, srv.Address(), port, srv.Port)
		}
		// The server part alone (with the mailbox dropped or replaced)
		// parses to the same server.
		again, mb, err := ParseName(name[:end+1] + "other")
		if err != nil || again != srv || mb != "other" {
			t.Fatalf("ParseName(%q) = %+v, but its server part with another mailbox gives %+v, %q, %v", name, srv, again, mb, err)
		}
	})
}
