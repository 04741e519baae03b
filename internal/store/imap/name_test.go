package imap

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		in      string
		want    Server
		mailbox string
		addr    string
	}{
		{"{imap.example.org}INBOX", Server{Host: "imap.example.org", Service: "imap"}, "INBOX", "imap.example.org:143"},
		{"{127.0.0.1:1143/notls/norsh/user=joe}INBOX.work", Server{Host: "127.0.0.1", Port: 1143, NoTLS: true, User: "joe", Service: "imap"}, "INBOX.work", "127.0.0.1:1143"},
		{"{mail/ssl/novalidate-cert/user=\"a b\"}", Server{Host: "mail", SSL: true, NoValidate: true, User: "a b", Service: "imap"}, "", "mail:993"},
		{"{[::1]:2000/imap4rev1/tls/secure/readonly}x", Server{Host: "::1", Port: 2000, TLS: true, Secure: true, ReadOnly: true, Service: "imap"}, "x", "[::1]:2000"},
		{"{h/SSL/Service=IMAP/authuser=admin/user=joe/debug/loser/validate-cert}", Server{Host: "h", SSL: true, AuthUser: "admin", User: "joe", Debug: true, Service: "imap"}, "", "h:993"},
		{"{h/anonymous}", Server{Host: "h", Anonymous: true, Service: "imap"}, "", "h:143"},
		{"{h/user=\"x\\/y\"}", Server{Host: "h", User: "x/y", Service: "imap"}, "", "h:143"},
	}
	for _, c := range cases {
		srv, mb, err := ParseName(c.in)
		if err != nil {
			t.Errorf("ParseName(%q): %v", c.in, err)
			continue
		}
		if srv != c.want || mb != c.mailbox {
			t.Errorf("ParseName(%q) = %+v, %q; want %+v, %q", c.in, srv, mb, c.want, c.mailbox)
		}
		if a := srv.Address(); a != c.addr {
			t.Errorf("ParseName(%q).Address() = %q, want %q", c.in, a, c.addr)
		}
	}
}

func TestParseNameErrors(t *testing.T) {
	cases := map[string]string{
		"INBOX":            "does not start with '{'",
		"{host":            "missing '}'",
		"{}INBOX":          "no host name",
		"{h/bogus}":        "unknown flag /bogus",
		"{h/user}":         "flag /user needs a value",
		"{h/ssl=1}":        "flag /ssl takes no value",
		"{h:99999}":        `bad port "99999"`,
		"{h:x}":            `bad port "x"`,
		"{[1.2.3]}":        "bad host literal [1.2.3]",
		"{[1.2.3.4}":       "missing ']'",
		"{h/pop3}":         "service pop3 is not supported",
		"{h/service=nntp}": "service nntp is not supported",
		"{h//ssl}":         "empty flag",
		"{h/tls/notls}":    "/tls cannot be combined",
		"{h/ssl/tls}":      "/tls cannot be combined",
	}
	for in, want := range cases {
		_, _, err := ParseName(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), in) {
			t.Errorf("ParseName(%q) error = %v; want one naming the name and %q", in, err, want)
		}
	}
}

func TestGreetingCaps(t *testing.T) {
	caps, ok := greetingCaps("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot ready.")
	if !ok || !caps["STARTTLS"] || !caps["AUTH=PLAIN"] || caps["LOGINDISABLED"] {
		t.Errorf("greetingCaps = %v, %v", caps, ok)
	}
	if _, ok := greetingCaps("* OK ready"); ok {
		t.Error("greetingCaps without a CAPABILITY code reported caps")
	}
}

// TestCRAMMD5 checks the client response with the example of RFC 2195.
func TestCRAMMD5(t *testing.T) {
	c := &cramMD5{user: "tim", pass: "tanstaaftanstaaf"}
	mech, ir, err := c.Start()
	if mech != "CRAM-MD5" || ir != nil || err != nil {
		t.Fatalf("Start = %q, %q, %v", mech, ir, err)
	}
	resp, err := c.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if want := "tim b913a602c7eda7a495b4e6e7334d3890"; err != nil || string(resp) != want {
		t.Errorf("Next = %q, %v; want %q", resp, err, want)
	}
}
