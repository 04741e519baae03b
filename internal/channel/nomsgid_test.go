package channel

import (
	"bytes"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/event"
)

// TestEmptyWarning: 5.2.7's stdout line about a message without usable
// Message-ID quotes the From local part and the Subject as it does.
func TestEmptyWarning(t *testing.T) {
	tests := []struct{ hdr, want string }{
		{"From: alice\nSubject: no host\n",
			`Warning: empty Message-ID header in message From: "alice" Subject: "no host" - please consult the README`},
		{"Message-ID: <>\n",
			`Warning: empty Message-ID header in message From: "" Subject: "" - please consult the README`},
		{"From: undisclosed:;\nSubject: =?utf-8?q?x?=\n",
			`Warning: empty Message-ID header in message From: "undisclosed" Subject: "=?utf-8?q?x?=" - please consult the README`},
		{"From: \"unbalanced <x@y>\nSubject: unbalanced\n",
			`Warning: empty Message-ID header in message From: "INVALID_ADDRESS" Subject: "unbalanced" - please consult the README`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		r := NewReporter(&out, &errb)
		event.Printer{}.Print(r, noMessageID([]byte(tt.hdr)))
		r.Flush()
		if got := out.String(); got != tt.want+"\n" || errb.Len() > 0 {
			t.Errorf("warning of %q\n got %q\nwant %q", tt.hdr, got, tt.want+"\n")
		}
	}
}
