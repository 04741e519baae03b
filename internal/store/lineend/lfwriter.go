package lineend

import (
	"bytes"
	"io"
)

// NewLFWriter returns an LFWriter writing to w.
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
	buf       []byte
}

func (l *LFWriter) Write(p []byte) (int, error) {
	out := l.buf[:0]
	// Copy the runs between CRs at once (most messages: CRLF lines, so
	// one run per line); only a CR needs a decision.
	for rest := p; len(rest) > 0; {
		if l.heldCR {
			l.heldCR = false
			if rest[0] != '\n' {
				out = append(out, '\r')
				l.lastOutCR = true
			}
		}
		run := rest
		cr := bytes.IndexByte(rest, '\r')
		if cr >= 0 {
			run = rest[:cr]
		}
		if len(run) > 0 {
			bare := bytes.Count(run, []byte{'\n'})
			if l.lastOutCR && run[0] == '\n' {
				bare--
			}
			l.BareLF += int64(bare)
			out = append(out, run...)
			l.lastOutCR = false
		}
		if cr < 0 {
			break
		}
		l.heldCR = true
		rest = rest[cr+1:]
	}
	l.buf = out
	if _, err := l.w.Write(out); err != nil {
		return 0, err
	}
	l.N += int64(len(out))
	return len(p), nil
}

// flush writes a CR held back at the end of the message.
func (l *LFWriter) Flush() error {
	if !l.heldCR {
		return nil
	}
	l.heldCR = false
	if _, err := l.w.Write([]byte{'\r'}); err != nil {
		return err
	}
	l.N++
	return nil
}
