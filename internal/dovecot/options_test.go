package dovecot

import (
	"path/filepath"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in        Options
		delim     byte
		prefix    string
		wantError bool
	}{
		{in: Options{}, delim: '/'},
		{in: Options{Delim: '.'}, delim: '.'},
		{in: Options{InboxPrefix: true}, delim: '.', prefix: "INBOX."},
		{in: Options{InboxPrefix: true, Delim: '/'}, delim: '/', prefix: "INBOX/"},
		{in: Options{Delim: ':'}, wantError: true},
		{in: Options{MaxConnections: -1}, wantError: true},
		{in: Options{Users: []User{{"a", "x"}, {"a", "y"}}}, wantError: true},
		{in: Options{Users: []User{{"a:b", "x"}}}, wantError: true},
		{in: Options{Users: []User{{"..", "x"}}}, wantError: true},
		{in: Options{Users: []User{{"a", ""}}}, wantError: true},
		{in: Options{Users: []User{{"a", "x:y"}}}, wantError: true},
		{in: Options{OAuth2URL: "http://127.0.0.1:9/introspect"}, delim: '/'},
		{in: Options{OAuth2URL: "http://example.org/introspect"}, wantError: true},
		{in: Options{OAuth2URL: "http://127.0.0.1:9/x\nauth_debug = yes"}, wantError: true},
	} {
		got, err := tc.in.normalize()
		if tc.wantError {
			if err == nil {
				t.Errorf("%+v: no error", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", tc.in, err)
			continue
		}
		if got.Delim != tc.delim || got.prefix() != tc.prefix || got.MaxConnections != defaultMaxConnections {
			t.Errorf("%+v: delim %q prefix %q max %d", tc.in, got.Delim, got.prefix(), got.MaxConnections)
		}
		if len(tc.in.Users) == 0 && (len(got.Users) != 1 || got.Users[0] != DefaultUser) {
			t.Errorf("%+v: users %v, want the default", tc.in, got.Users)
		}
	}
}

func TestMaildirFlags(t *testing.T) {
	for in, want := range map[string]string{"": "", "S": "S", "SR": "RS", "TFSS": "FST", "DFPRST": "DFPRST"} {
		if got, err := maildirFlags(in); err != nil || got != want {
			t.Errorf("maildirFlags(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"s", "a", "S,"} {
		if _, err := maildirFlags(in); err == nil {
			t.Errorf("maildirFlags(%q): no error", in)
		}
	}
}

// The mapping from IMAP names to Maildir++ directories; TestServerStyles
// checks it against what Dovecot creates.
func TestMaildirPath(t *testing.T) {
	server := func(opt Options) *Server {
		opt, err := opt.normalize()
		if err != nil {
			t.Fatal(err)
		}
		return &Server{User: "joe", Delim: opt.Delim, Prefix: opt.prefix(), opt: opt, l: layout{homes: "/h"}}
	}
	md := func(s string) string { return filepath.Join("/h/joe/Maildir", s) }
	for _, tc := range []struct {
		opt          Options
		folder, want string
	}{
		{Options{}, "INBOX", md("")},
		{Options{}, "inbox", md("")},
		{Options{}, "a", md(".a")},
		{Options{}, "a/b/c", md(".a.b.c")},
		{Options{}, "INBOX/work", md(".INBOX.work")},
		{Options{Delim: '.'}, "a.b", md(".a.b")},
		{Options{Delim: '.'}, "INBOX.work", md(".INBOX.work")},
		{Options{InboxPrefix: true}, "INBOX", md("")},
		{Options{InboxPrefix: true}, "INBOX.a.b", md(".a.b")},
		{Options{InboxPrefix: true}, "inbox.a", md(".a")},
		{Options{InboxPrefix: true}, "a", md(".a")},
	} {
		s := server(tc.opt)
		if got := s.MaildirPath(tc.folder); got != tc.want {
			t.Errorf("%c/%s: MaildirPath(%q) = %s, want %s", s.Delim, s.Prefix, tc.folder, got, tc.want)
		}
	}
	if got := server(Options{InboxPrefix: true}).fullName("a"); got != "INBOX.a" {
		t.Errorf(`fullName("a") = %q on an InboxPrefix server, want "INBOX.a"`, got)
	}
}
