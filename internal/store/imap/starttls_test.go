package imap_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// TestSTARTTLSTrace: the -di trace of a STARTTLS session shows the
// greeting once (go-imap is handed a replay of it after the upgrade,
// which the server never sent) and the STARTTLS exchange before the
// login.
func TestSTARTTLSTrace(t *testing.T) {
	m := startMemServer(t, true)
	var trace bytes.Buffer
	st, err := m.dial(t, "", imap.Options{Remote: store.Remote{Trace: &trace}})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	got := trace.String()
	if n := strings.Count(got, "IMAP server ready"); n != 1 {
		t.Errorf("the greeting shows %d times:\n%s", n, got)
	}
	if !regexp.MustCompile(`(?s)^\* OK .*\n\S+ STARTTLS\r?\n\S+ OK [^\n]*\n.*AUTHENTICATE PLAIN \*\*\*\*`).MatchString(got) {
		t.Errorf("trace:\n%s", got)
	}
}
