package imap

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// startTLSRefused is a server's tagged NO or BAD to STARTTLS.
type startTLSRefused struct{ line string }

func (e *startTLSRefused) Error() string { return "STARTTLS refused: " + e.line }

// startTag is the tag of our own STARTTLS command (go-imap's tags are
// T1, T2, ... on the connection it gets afterwards).
const startTag = "S1"

// capabilityCode matches a greeting's [CAPABILITY ...] response code.
var capabilityCode = regexp.MustCompile(`(?i)\[CAPABILITY [^]]*\] ?`)

// startTLS runs STARTTLS on pc (which has replayed nothing yet: the
// greeting is still to be read from it) and returns a connection whose
// clear text the stall watchdog can follow. go-imap's own STARTTLS would
// put the TLS layer above our connection, so that the watchdog saw only
// records; here go-imap gets a fresh connection that replays the
// greeting without its capabilities (they must be asked again after
// STARTTLS, RFC 3501 6.2.1). ctx bounds the exchange (negotiate closes
// the connection when it ends). trace, when set, gets the dialogue.
func startTLS(ctx context.Context, pc *prefixConn, greeting string, cfg *tls.Config, trace *maskingWriter) (*prefixConn, error) {
	br, ok := pc.r.(*bufio.Reader) // readGreeting's, the greeting unread
	if !ok {
		br = bufio.NewReader(pc.r)
	}
	if _, err := br.ReadString('\n'); err != nil { // the greeting
		return nil, fmt.Errorf("read greeting: %w", err)
	}
	note := func(line string) {
		if trace != nil {
			io.WriteString(trace, line)
		}
	}
	note(greeting + "\r\n")
	cmd := startTag + " STARTTLS\r\n"
	note(cmd)
	if _, err := io.WriteString(pc.Conn, cmd); err != nil {
		return nil, err
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("STARTTLS: %w", err)
		}
		note(line)
		rest, ok := strings.CutPrefix(line, startTag+" ")
		if !ok {
			continue // untagged data
		}
		if status, _, _ := strings.Cut(rest, " "); !strings.EqualFold(strings.TrimSpace(status), "OK") {
			return nil, &startTLSRefused{strings.TrimSpace(line)}
		}
		break
	}
	if br.Buffered() > 0 {
		return nil, fmt.Errorf("STARTTLS: the server sent clear text after its OK")
	}
	tc := tls.Client(pc.Conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	replay := capabilityCode.ReplaceAllString(greeting, "") + "\r\n"
	if trace != nil {
		trace.skipNext(replay) // the trace showed the real greeting
	}
	out := &prefixConn{Conn: tc, r: io.MultiReader(strings.NewReader(replay), tc), trace: newConnTrace(trace)}
	return out, nil
}
