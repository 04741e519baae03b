package channel

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/mailsync/mailsync/internal/header"
)

// Reporter writes every line mailsync prints: stdout (buffered, in the
// order of the work) and stderr (errors, -vb warnings). Tests give it
// buffers; the CLI gives it the process streams.
type Reporter struct {
	out *bufio.Writer
	err io.Writer
	// Debug enables the -d lines.
	Debug bool
	// Vb enables the -vb warnings about repaired message ids.
	Vb bool
	// Vw enables -vw notes.
	Vw bool
}

// NewReporter returns a Reporter writing to stdout and stderr.
func NewReporter(stdout, stderr io.Writer) *Reporter {
	return &Reporter{out: bufio.NewWriterSize(stdout, 64*1024), err: stderr}
}

// Out writes s to stdout.
func (r *Reporter) Out(s string) { r.out.WriteString(s) }

// Outf writes a formatted string to stdout.
func (r *Reporter) Outf(format string, args ...any) { fmt.Fprintf(r.out, format, args...) }

// Debugf writes a -d line (with newline) to stdout when debugging.
func (r *Reporter) Debugf(format string, args ...any) {
	if r.Debug {
		fmt.Fprintf(r.out, format, args...)
		r.out.WriteByte('\n')
	}
}

// Errf writes to stderr, after flushing stdout so that the two streams
// interleave in the order of the work on a terminal.
func (r *Reporter) Errf(format string, args ...any) {
	r.out.Flush()
	fmt.Fprintf(r.err, format, args...)
}

// Flush writes buffered stdout.
func (r *Reporter) Flush() error { return r.out.Flush() }

// Stdout is the underlying buffered stdout (for prompts that must flush).
func (r *Reporter) Stdout() *bufio.Writer { return r.out }

// lead is the action part of a message line (4.1).
func lead(action, dir string) string {
	return fmt.Sprintf("  %-10s %s  ", action, dir)
}

// fromPart is the date/sender/subject part of a message line.
func fromPart(date time.Time, hdr []byte) string {
	return header.Summary(date, hdr)
}

// idPart is the -M id column.
func idPart(id string) string {
	return fmt.Sprintf("%-65s", id)
}

// plural picks the singular or plural noun by count.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reportOpenError prints why a box could not be opened, then 5.2.7's
// "Couldn't open" line. A file that cannot be opened gets c-client's
// wording; any other failure its own description.
func (e *Engine) reportOpenError(err error, full string) {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
		e.R.Errf("Error: Unable to open file %s\n", full)
	} else {
		e.R.Errf("Error: %v\n", err)
	}
	e.R.Errf("Error: Couldn't open %s\n", full)
}
