package imap

import (
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.Describer = (*Store)(nil)

// Describe is c-client's name of the read-only stream on folder name
// (5.2.7's -d " Fetching message id's in mailbox" line, printed after an
// open with options 2): {HOST:PORT/imap[flags]/readonly/user="NAME"}name.
// doc/design/cli.md, "-d and c-client's names".
func (s *Store) Describe(name string) string {
	return s.streamName() + name
}

// ListStreamName is c-client's name of the half-open, read-only stream
// 5.2.7 lists the store with ("Opening SERVER with options 66"): the
// stream name followed by "<no_mailbox>". 5.2.7's -d item lines start
// with it.
func (s *Store) ListStreamName() string {
	return s.streamName() + "<no_mailbox>"
}

// streamName is the server part c-client's imap_open gives a read-only
// stream: the host as configured (not the canonical name the login line
// shows), the port, "/imap", then the flags in c-client's order —
// /tls, /notls (also for /ssl: implicit TLS never negotiates STARTTLS),
// /ssl, /novalidate-cert, /secure, /readonly — and /anonymous or the
// quoted user name. Other flags (/norsh, /service=, /debug, …) are not
// part of the name.
func (s *Store) streamName() string {
	var b strings.Builder
	host := s.srv.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal, bracketed as written
	}
	port := s.srv.Port
	if port == 0 {
		port = 143
		if s.srv.SSL {
			port = 993
		}
	}
	b.WriteString("{" + host + ":" + strconv.Itoa(port) + "/imap")
	for _, f := range []struct {
		on   bool
		name string
	}{
		{s.srv.TLS, "/tls"},
		{s.srv.NoTLS || s.srv.SSL, "/notls"},
		{s.srv.SSL, "/ssl"},
		{s.srv.NoValidate, "/novalidate-cert"},
		{s.srv.Secure, "/secure"},
		{true, "/readonly"},
	} {
		if f.on {
			b.WriteString(f.name)
		}
	}
	if s.srv.Anonymous {
		b.WriteString("/anonymous")
	} else if u := s.loginName(); u != "" {
		b.WriteString(`/user="` + u + `"`)
	}
	b.WriteString("}")
	return b.String()
}

// loginName is the user name of the stream: /user= as configured, else
// the name the login used.
func (s *Store) loginName() string {
	if s.srv.User != "" {
		return s.srv.User
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user
}
