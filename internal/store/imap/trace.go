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
// replaced by "****". Both directions are written to it, each through a
// side of its own (the connection tees what it sends and what it reads,
// traceconn.go), so it serialises them and masks whole lines: a
// password never reaches the trace, whether it was sent quoted, as a
// literal or inside a SASL response. Write itself is one more side (the
// STARTTLS dialogue, starttls.go).
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
	m.emit(&m.buf, p)
	return len(p), nil
}

// traceSide is one direction of a connection's dialogue: its partial line
// is its own, so bytes of the other direction never land inside it.
type traceSide struct {
	m   *maskingWriter
	buf []byte
}

// side returns a new direction of the trace.
func (m *maskingWriter) side() *traceSide { return &traceSide{m: m} }

func (t *traceSide) Write(p []byte) (int, error) {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	t.m.emit(&t.buf, p)
	return len(p), nil
}

// emit adds p to the partial line *buf and writes the lines it completes
// (m.mu held).
func (m *maskingWriter) emit(buf *[]byte, p []byte) {
	*buf = append(*buf, p...)
	for {
		i := bytes.IndexByte(*buf, '\n')
		if i < 0 {
			break
		}
		line := (*buf)[:i+1]
		*buf = (*buf)[i+1:]
		if m.quiet != nil {
			quiet := bytes.Equal(line, m.quiet)
			m.quiet = nil
			if quiet {
				continue
			}
		}
		if _, err := m.w.Write(m.mask(line)); err != nil {
			return // a broken trace must not break the sync
		}
	}
	if len(*buf) > traceLineMax {
		// A line without end (a body literal, or a server flooding
		// one): write it masked but for a tail that may begin a secret
		// (doc/design/trust-memory.md).
		masked := m.mask(*buf)
		keep := 0
		for _, s := range m.secrets {
			keep = max(keep, len(s)-1)
		}
		keep = min(keep, len(masked))
		if _, err := m.w.Write(masked[:len(masked)-keep]); err != nil {
			*buf = (*buf)[:0]
			return
		}
		*buf = append((*buf)[:0], masked[len(masked)-keep:]...)
	}
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
