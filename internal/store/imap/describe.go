package imap

import (
	"context"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Describer = (*Store)(nil)

// Describe is c-client's full name of a folder on this server, as 5.2.7's
// -d output shows it: {HOST:PORT/imap[/flags]/user="NAME"}FOLDER with the
// canonical host name.
func (s *Store) Describe(name string) string {
	var b strings.Builder
	b.WriteString("{" + s.canonicalHost(context.Background()) + ":")
	port := s.srv.Port
	if port == 0 {
		port = 143
		if s.srv.SSL {
			port = 993
		}
	}
	b.WriteString(strconv.Itoa(port) + "/imap")
	for _, f := range []struct {
		on   bool
		name string
	}{{s.srv.NoValidate, "/novalidate-cert"}, {s.srv.SSL, "/ssl"}, {s.srv.NoTLS, "/notls"}, {s.srv.TLS, "/tls"}, {s.srv.Secure, "/secure"}, {s.srv.ReadOnly, "/readonly"}} {
		if f.on {
			b.WriteString(f.name)
		}
	}
	if s.srv.User != "" {
		b.WriteString(`/user="` + s.srv.User + `"`)
	}
	b.WriteString("}" + name)
	return b.String()
}
