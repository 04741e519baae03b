package header

import (
	"strings"
	"testing"
	"time"
)

func TestDomainlessSender(t *testing.T) {
	cases := []struct {
		from    string
		mailbox string
		index   int
		ok      bool
	}{
		{"joe@example.org", "", 0, false},
		{"mailsync", "mailsync", 0, true},
		{"Mail Sync <mailsync>", "", 0, false}, // the display name shows
		{"mailsync, Ann <ann@example.org>", "mailsync", 0, true},
		{"Ann <ann@example.org>, mailsync", "", 0, false},
		{"group:;, mailsync", "mailsync", 2, true}, // group start and end come first
	}
	for _, c := range cases {
		hdr := []byte("From: " + c.from + "\r\nSubject: s\r\n\r\n")
		mb, i, ok := DomainlessSender(hdr)
		if mb != c.mailbox || i != c.index || ok != c.ok {
			t.Errorf("DomainlessSender(From: %s) = %q, %d, %v; want %q, %d, %v", c.from, mb, i, ok, c.mailbox, c.index, c.ok)
		}
	}
	if _, _, ok := DomainlessSender(WithEnvelopeSender([]byte("From: mailsync\r\n\r\n"), "mailsync@x")); ok {
		t.Error("a header that has its envelope sender asks again")
	}
}

// TestEnvelopeSenderSummary: the sender column shows the envelope form a
// store gave, also from the lines the engine keeps (AppendSelect), and
// message identity's fields are unchanged.
func TestEnvelopeSenderSummary(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n"} {
		hdr := []byte(strings.ReplaceAll("From: mailsync\nSubject: hello\nMessage-ID: <a@b>\n\n", "\n", nl))
		date := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
		if got := Summary(date, hdr); !strings.HasPrefix(got, "Mon Dec  7 mailsync@.MISSING-HOST hello") {
			t.Errorf("without envelope: %q", got)
		}
		with := WithEnvelopeSender(hdr, "mailsync@unspecified-domain\r\nX: y")
		if got := Summary(date, with); !strings.HasPrefix(got, "Mon Dec  7 mailsync@unspecified-d hello") {
			t.Errorf("with envelope: %q", got)
		}
		kept := AppendSelect(nil, with, "From", "Subject")
		if got := Summary(date, kept); !strings.HasPrefix(got, "Mon Dec  7 mailsync@unspecified-d hello") {
			t.Errorf("from the kept lines %q: %q", kept, got)
		}
		if !strings.HasSuffix(string(with), nl+nl) || strings.Count(string(with), "\n") != 5 {
			t.Errorf("WithEnvelopeSender = %q", with)
		}
		for _, f := range []string{"From", "Subject", "Message-ID"} {
			a, _ := Get(hdr, f)
			b, _ := Get(with, f)
			if a != b {
				t.Errorf("%s changed: %q, then %q", f, a, b)
			}
		}
		if a, b := AddrSpecs(hdr, "From"), AddrSpecs(with, "From"); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("From addresses changed: %q, then %q", a, b)
		}
	}
}
