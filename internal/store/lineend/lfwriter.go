package lineend

import (
	"bytes"
	"io"
)

// NewLFWriter returns an LFWriter writing to w, at most 64 KB at a time.
func NewLFWriter(w io.Writer) *LFWriter { return &LFWriter{w: w} }

// Reset makes l a new LFWriter writing to w that keeps l's scratch
// buffer.
func (l *LFWriter) Reset(w io.Writer) { *l = LFWriter{w: w, scratch: l.scratch[:0]} }

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
	scratch   []byte // the converted form of the piece being written
}

var cr = []byte{'\r'}

// lfChunk bounds the piece of a write converted at once (the size of the
// scratch buffer).
const lfChunk = 64 << 10

func (l *LFWriter) Write(p []byte) (int, error) {
	for done := 0; done < len(p); {
		chunk := p[done:min(len(p), done+lfChunk)]
		if err := l.put(l.convert(chunk)); err != nil {
			return done, err
		}
		done += len(chunk)
	}
	return len(p), nil
}

// convert returns p without the CRs that precede an LF, in the scratch
// buffer, and counts its bare LFs. The runs between CRs (most messages:
// CRLF lines, so one run per line) are copied at once; only a CR needs a
// decision.
func (l *LFWriter) convert(p []byte) []byte {
	out := l.scratch[:0]
	for rest := p; len(rest) > 0; {
		if l.heldCR {
			l.heldCR = false
			if rest[0] != '\n' {
				out = append(out, '\r')
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
			out = append(out, run...)
			l.lastOutCR = false
		}
		if i < 0 {
			break
		}
		l.heldCR = true
		rest = rest[i+1:]
	}
	l.scratch = out
	return out
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
