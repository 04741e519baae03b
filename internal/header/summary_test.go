package header

import (
	"testing"
	"time"
	"unicode/utf8"
)

var jan1 = time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)

func TestSummaryVerified(t *testing.T) {
	for _, tt := range summaryVerified {
		if got := Summary(jan1, []byte(tt.hdr)); got != tt.want {
			t.Errorf("Summary(%q)\n got %q\nwant %q", tt.hdr, got, tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name, hdr, want string
		date            time.Time
	}{
		{"no from, no subject", "Message-ID: <x@y>\n", "Mon Jan  1" + spaces(51), jan1},
		{"From_ zone kept", "From: a@b\nSubject: s\n",
			"Sun Dec 31 a@b                    s" + spaces(26),
			time.Date(2023, 12, 31, 1, 30, 0, 0, time.FixedZone("", 9*3600))},
		{"long subject not padded", "From: a@b\nSubject: 1234567890123456789012345678901234567890\n",
			"Mon Jan  1 a@b                    12345678901234567890123456789", jan1},
		// doc/design/decisions.md#d13-encoded-words: encoded-words decoded, cut
		// and padded by characters.
		{"encoded words", "From: =?iso-8859-1?Q?J=F6rg_M=FCller?= <jm@x.de>\n" +
			"Subject: =?utf-8?B?w6TDtsO8IMOEw5bDnCBsb25nIHN1YmplY3QgdGhhdCBuZWVkcyBjdXR0aW5nIGhlcmU=?=\n",
			"Mon Jan  1 Jörg Müller            äöü ÄÖÜ long subject that nee", jan1},
		{"quoted encoded word", "From: \"=?utf-8?Q?Q=C3=BCoted?=\" <q@x>\nSubject: Re: =?utf-8?q?caf=C3=A9?= ok\n",
			"Mon Jan  1 Qüoted                 Re: café ok" + spaces(16), jan1},
		{"adjacent words joined", "From: =?utf-8?q?a?= =?utf-8?q?b?= <ew@x>\nSubject: x\n",
			"Mon Jan  1 ab                     x" + spaces(26), jan1},
		{"undecodable kept", "From: a@b\nSubject: =?bogus?q?x?=\n",
			"Mon Jan  1 a@b                    =?bogus?q?x?=" + spaces(14), jan1},
		{"windows-1252", "From: =?windows-1252?q?=80uro?= <e@x>\nSubject: s\n",
			"Mon Jan  1 €uro                   s" + spaces(26), jan1},
		{"raw utf-8 cut by characters", "From: Müller <m@x>\nSubject: raw utf8 ünïcödé subject that is long\n",
			"Mon Jan  1 Müller                 raw utf8 ünïcödé subject that", jan1},
		{"raw latin-1 read as latin-1", "From: Caf\xe9 <l1@x>\nSubject: \xe9t\xe9\n",
			"Mon Jan  1 Café                   été" + spaces(24), jan1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summary(tt.date, []byte(tt.hdr))
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n < 61 {
				t.Errorf("only %d characters", n)
			}
		})
	}
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}

// TestDateField pins the date column against 5.2.7's output for From_
// lines with these dates.
func TestDateField(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2024, time.January, 1, "Mon Jan  1 "},
		{2023, time.December, 31, "Sun Dec 31 "},
		{1999, time.December, 31, "Fri Dec 31 "},
		{2024, time.February, 29, "Thu Feb 29 "},
		{2024, time.February, 30, "Fri Feb 30 "},
		{2023, time.February, 29, "Wed Feb 29 "},
		{1970, time.January, 1, "Thu Jan  1 "},
		{2096, time.December, 31, "Mon Dec 31 "},
		{2097, time.December, 31, "Tue Dec 31 "},
		{2098, time.January, 1, "Thu Jan  1 "},
		{2100, time.March, 1, "Thu Jan  1 "},
		{1969, time.December, 31, "Thu Jan  1 "},
		{1000, time.January, 1, "Thu Jan  1 "},
		{2024, time.January, 0, "Thu Jan  1 "},
		{2024, time.January, 32, "Thu Jan  1 "},
		{2024, 13, 1, "Thu Jan  1 "},
	}
	for _, tt := range tests {
		if got := DateField(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("DateField(%d, %d, %d) = %q, want %q", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}

func TestFromLocalSubject(t *testing.T) {
	tests := []struct{ hdr, local, subject string }{
		{"From: Alice <alice@x>\nSubject: s\n", "alice", "s"},
		{"From: alice\n", "alice", ""},
		{"From: undisclosed:;\nSubject: group only from\n", "undisclosed", "group only from"},
		{"From: (only comment)\n", "", ""},
		{"From: \"unbalanced <x@y>\n", "INVALID_ADDRESS", ""},
		{">From: gt@x\n", "gt", ""},
		{"Subject: =?utf-8?q?raw?=\n", "", "=?utf-8?q?raw?="},
		{"Subject:\n folded\n", "", "folded"},
	}
	for _, tt := range tests {
		if got := FromLocal([]byte(tt.hdr)); got != tt.local {
			t.Errorf("FromLocal(%q) = %q, want %q", tt.hdr, got, tt.local)
		}
		if got := Subject([]byte(tt.hdr)); got != tt.subject {
			t.Errorf("Subject(%q) = %q, want %q", tt.hdr, got, tt.subject)
		}
	}
}
