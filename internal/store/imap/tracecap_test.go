package imap

import (
	"bytes"
	"strings"
	"testing"
)

// TestTraceLineBounded: the -di trace holds a bounded part (under 1 MiB) of
// a line without end (a body literal a server floods), and a secret split
// between two writes of such a line is still masked.
func TestTraceLineBounded(t *testing.T) {
	var out bytes.Buffer
	m := &maskingWriter{w: &out}
	m.hide("hunter2-secret")
	chunk := strings.Repeat("z", 4093) + "hunter2-" // the secret continues in the next write
	total := 0
	for i := range 2000 {
		p := chunk
		if i > 0 {
			p = "secret" + chunk
		}
		m.Write([]byte(p))
		total += len(p)
		if len(m.buf) > 1<<20 {
			t.Fatalf("after %d bytes the trace holds a partial line of %d bytes", total, len(m.buf))
		}
	}
	m.Write([]byte("secret\r\n"))
	if strings.Contains(out.String(), "secret") || strings.Contains(out.String(), "hunter2") {
		t.Error("a secret split between writes reached the trace")
	}
	if n := strings.Count(out.String(), "****"); n != 2000 {
		t.Errorf("%d secrets masked, want 2000", n)
	}
}
