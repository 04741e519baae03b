package pattern

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pat, name string
		want      bool
	}{
		{"%", "inbox", true},
		{"%", "a/b", false},
		{"*", "a/b/c", true},
		{"mail/%", "mail/inbox", true},
		{"mail/%", "mail/", true},
		{"mail/%", "mail/a/b", false},
		{"mail/*", "mail/a/b", true},
		{"mail/d%", "mail/", false},
		{"mail/d%", "mail/dx", true},
		{"INBOX", "INBOX", true},
		{"INBOX", "inbox", false},
		{"INBOX.%", "INBOX.work", true},
		{"INBOX.%", "INBOX.work.deep", false},
		{"INBOX.*", "INBOX.work.deep", true},
		{"a%c", "abbc", true},
		{"a%c", "ab/c", false},
		{"", "", true},
		{"", "x", false},
	}
	for _, c := range cases {
		delim := byte('/')
		if len(c.pat) > 5 && c.pat[:5] == "INBOX" {
			delim = '.'
		}
		if got := Match(c.pat, c.name, delim); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pat, c.name, got, c.want)
		}
	}
}
