package imap

import (
	"bytes"
	"io"
	"os"
	"sync"
)

// newTrace returns the -di protocol trace writer of a store, or nil when
// tracing is off. /debug in the server name traces to stderr.
func newTrace(srv Server, opt *Options) *maskingWriter {
	w := opt.Remote.Trace
	if w == nil && srv.Debug {
		w = os.Stderr
	}
	if w == nil {
		return nil
	}
	return &maskingWriter{w: w}
}

// maskingWriter writes the dialogue line by line with every secret
// replaced by "****". Both directions are written to it (go-imap tees
// reads and writes), so it serialises them and masks whole lines: a
// password never reaches the trace, whether it was sent quoted, as a
// literal or inside a SASL response.
type maskingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	secrets [][]byte
	// quiet is a line that is not written when it comes next: the
	// greeting replayed to go-imap after STARTTLS (starttls.go), which
	// the server did not send again.
	quiet []byte
}

// skipNext keeps line (with its line end) out of the trace if it is the
// next line written.
func (m *maskingWriter) skipNext(line string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.quiet = []byte(line)
}

// hide adds secrets to mask from now on.
func (m *maskingWriter) hide(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= 1 && s != `""` {
			m.secrets = append(m.secrets, []byte(s))
		}
	}
}

func (m *maskingWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = append(m.buf, p...)
	for {
		i := bytes.IndexByte(m.buf, '\n')
		if i < 0 {
			break
		}
		line := m.buf[:i+1]
		m.buf = m.buf[i+1:]
		if m.quiet != nil {
			quiet := bytes.Equal(line, m.quiet)
			m.quiet = nil
			if quiet {
				continue
			}
		}
		if _, err := m.w.Write(m.mask(line)); err != nil {
			return len(p), nil // a broken trace must not break the sync
		}
	}
	if len(m.buf) > traceLineMax {
		// A line without end (a body literal, or a server flooding
		// one): write it masked but for a tail that may begin a secret
		// (doc/design/trust-memory.md).
		masked := m.mask(m.buf)
		keep := 0
		for _, s := range m.secrets {
			keep = max(keep, len(s)-1)
		}
		keep = min(keep, len(masked))
		if _, err := m.w.Write(masked[:len(masked)-keep]); err != nil {
			m.buf = m.buf[:0]
			return len(p), nil
		}
		m.buf = append(m.buf[:0], masked[len(masked)-keep:]...)
	}
	return len(p), nil
}

// traceLineMax is the longest partial line the trace holds.
const traceLineMax = 64 << 10

func (m *maskingWriter) mask(line []byte) []byte {
	for _, s := range m.secrets {
		if bytes.Contains(line, s) {
			line = bytes.ReplaceAll(line, s, []byte("****"))
		}
	}
	return line
}
