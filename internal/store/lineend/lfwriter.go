package lineend

import (
	"bytes"
	"io"
)

// NewLFWriter returns an LFWriter writing to w. LFWriter writes w in
// small pieces (one per line of CRLF input): give it a buffered writer.
func NewLFWriter(w io.Writer) *LFWriter { return &LFWriter{w: w} }

// LFWriter removes every CR that directly precedes an LF (the form local
// files keep) and counts what it writes. A CR at the end of a write is
// held back until the next byte is known; Flush writes it at the end.
type LFWriter struct {
	w         io.Writer
	heldCR    bool // a CR was seen at the end of the last write
	lastOutCR bool // the last byte written was CR
	// N counts the bytes written, BareLF the LFs among them not preceded
	// by CR (each reads back as two bytes).
	N, BareLF int64
}

var cr = []byte{'\r'}

func (l *LFWriter) Write(p []byte) (int, error) {
	// Write the runs between CRs at once (most messages: CRLF lines, so
	// one run per line); only a CR needs a decision.
	for rest := p; len(rest) > 0; {
		if l.heldCR {
			l.heldCR = false
			if rest[0] != '\n' {
				if err := l.put(cr); err != nil {
					return 0, err
				}
				l.lastOutCR = true
			}
		}
		run := rest
		i := bytes.IndexByte(rest, '\r')
		if i >= 0 {
			run = rest[:i]
		}
		if len(run) > 0 {
			bare := bytes.Count(run, []byte{'\n'})
			if l.lastOutCR && run[0] == '\n' {
				bare--
			}
			l.BareLF += int64(bare)
			if err := l.put(run); err != nil {
				return 0, err
			}
			l.lastOutCR = false
		}
		if i < 0 {
			break
		}
		l.heldCR = true
		rest = rest[i+1:]
	}
	return len(p), nil
}

// put writes b to the underlying writer and counts it.
func (l *LFWriter) put(b []byte) error {
	n, err := l.w.Write(b)
	l.N += int64(n)
	return err
}

// Flush writes a CR held back at the end of the message.
func (l *LFWriter) Flush() error {
	if !l.heldCR {
		return nil
	}
	l.heldCR = false
	return l.put(cr)
}
