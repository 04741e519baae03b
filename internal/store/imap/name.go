package imap

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Server is the parsed server part of a c-client remote name (doc/design/behaviour.md#mailbox-names).
type Server struct {
	// Host as written, without brackets for an [ip] literal.
	Host string
	// Port is the TCP port; 0 means the default (143, or 993 with SSL).
	Port int
	// User is /user=, AuthUser /authuser=.
	User, AuthUser string
	// Service is "imap" (the only one this build speaks).
	Service string
	// SSL is implicit TLS (/ssl); TLS requires STARTTLS (/tls); NoTLS
	// never starts TLS (/notls).
	SSL, TLS, NoTLS bool
	// NoValidate skips certificate verification (/novalidate-cert).
	NoValidate bool
	// Secure never sends a password over an unencrypted link (/secure).
	Secure bool
	// ReadOnly (/readonly) opens every folder with EXAMINE.
	ReadOnly bool
	// Anonymous logs in with AUTHENTICATE ANONYMOUS (/anonymous).
	Anonymous bool
	// Debug (/debug) traces the dialogue like -di.
	Debug bool
	// Connections (/connections=N, 1 to 16) is how many connections the
	// store may open at once; 0 means the default (pool.go). Not a
	// c-client flag: a name with it was an error before.
	Connections int
}

// Address is host:port to dial.
func (s Server) Address() string {
	port := s.Port
	if port == 0 {
		port = 143
		if s.SSL {
			port = 993
		}
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

// NameError is a remote name that cannot be parsed.
type NameError struct {
	Name, Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("invalid remote mailbox name %s: %s", e.Name, e.Reason)
}

// IsRemote reports whether a c-client name names a server.
func IsRemote(name string) bool { return strings.HasPrefix(name, "{") }

// ParseName splits a c-client remote name into its server and the mailbox
// part after the closing brace.
func ParseName(name string) (Server, string, error) {
	fail := func(format string, a ...any) (Server, string, error) {
		return Server{}, "", &NameError{Name: name, Reason: fmt.Sprintf(format, a...)}
	}
	if !IsRemote(name) {
		return fail("it does not start with '{'")
	}
	end := strings.IndexByte(name, '}')
	if end < 0 {
		return fail("missing '}'")
	}
	spec, mailbox := name[1:end], name[end+1:]
	hostPart, flags, _ := strings.Cut(spec, "/")
	srv := Server{Service: "imap"}
	if err := srv.parseHost(hostPart); err != "" {
		return fail("%s", err)
	}
	if flags != "" {
		for _, f := range splitFlags(flags) {
			if err := srv.setFlag(f); err != "" {
				return fail("%s", err)
			}
		}
	}
	if srv.SSL && srv.NoTLS {
		// c-client allows /ssl/notls; /notls only concerns STARTTLS.
		srv.NoTLS = false
	}
	if srv.TLS && (srv.SSL || srv.NoTLS) {
		return fail("/tls cannot be combined with /ssl or /notls")
	}
	return srv, mailbox, nil
}

// parseHost reads host[:port] or [literal][:port].
func (s *Server) parseHost(h string) string {
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "missing ']' after the host literal"
		}
		s.Host, h = h[1:end], h[end+1:]
		if net.ParseIP(s.Host) == nil {
			return fmt.Sprintf("bad host literal [%s]", s.Host)
		}
	} else {
		host, _, _ := strings.Cut(h, ":")
		s.Host, h = host, h[len(host):]
	}
	if s.Host == "" {
		return "no host name"
	}
	if h == "" {
		return ""
	}
	if h[0] != ':' {
		return fmt.Sprintf("unexpected %q after the host name", h)
	}
	port, err := strconv.Atoi(h[1:])
	if err != nil || port <= 0 || port > 65535 {
		return fmt.Sprintf("bad port %q", h[1:])
	}
	s.Port = port
	return ""
}

// splitFlags splits "a/b=\"x/y\"/c" at slashes outside quotes.
func splitFlags(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\\' && quoted && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '/' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

// setFlag applies one /flag; the result is an error text or "".
func (s *Server) setFlag(f string) string {
	key, val, hasVal := strings.Cut(f, "=")
	key = strings.ToLower(key)
	needVal := map[string]*string{"user": &s.User, "authuser": &s.AuthUser, "service": &s.Service}
	if key == "connections" {
		n, err := strconv.Atoi(val)
		if !hasVal || err != nil || n < 1 || n > maxConnections {
			return fmt.Sprintf("flag /connections needs a number from 1 to %d (/connections=N)", maxConnections)
		}
		s.Connections = n
		return ""
	}
	if dst, ok := needVal[key]; ok {
		if !hasVal || val == "" {
			return fmt.Sprintf("flag /%s needs a value (/%s=NAME)", key, key)
		}
		*dst = val
		if key == "service" {
			return s.setService(strings.ToLower(val))
		}
		return ""
	}
	if hasVal {
		return fmt.Sprintf("flag /%s takes no value", key)
	}
	bools := map[string]*bool{
		"ssl": &s.SSL, "tls": &s.TLS, "notls": &s.NoTLS, "novalidate-cert": &s.NoValidate,
		"secure": &s.Secure, "readonly": &s.ReadOnly, "anonymous": &s.Anonymous, "debug": &s.Debug,
	}
	if dst, ok := bools[key]; ok {
		*dst = true
		return ""
	}
	switch key {
	case "validate-cert":
		s.NoValidate = false
		return ""
	case "norsh", "loser":
		// No rsh pre-authentication is ever attempted; /loser only
		// disables c-client's server-specific optimisations.
		return ""
	case "imap", "imap2", "imap2bis", "imap4", "imap4rev1", "pop3", "nntp", "pop", "news":
		return s.setService(key)
	case "":
		return "empty flag (two '/' in a row)"
	}
	return fmt.Sprintf("unknown flag /%s (known: /user= /authuser= /service= /connections= /imap /ssl /tls /notls /novalidate-cert /validate-cert /secure /norsh /readonly /anonymous /debug /loser)", key)
}

func (s *Server) setService(name string) string {
	switch name {
	case "imap", "imap2", "imap2bis", "imap4", "imap4rev1":
		s.Service = "imap"
		return ""
	}
	return fmt.Sprintf("service %s is not supported (this build speaks IMAP only)", name)
}
