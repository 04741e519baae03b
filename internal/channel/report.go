package channel

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mailsync/mailsync/internal/channel/details"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/header"
)

// Reporter writes every line mailsync prints: stdout (buffered, in the
// order of the work) and stderr (errors, -vb warnings). Tests give it
// buffers; the CLI gives it the process streams.
type Reporter struct {
	mu  sync.Mutex // Out, Errf, Flush and WriteNow may come from two goroutines
	out *bufio.Writer
	err io.Writer
	// Verbose enables the -v notes (doc/design/decisions.md#d14-verbose-notes: the clone's own, on stderr).
	Verbose bool
	// Interactive: stdout is a terminal; it is written out as it comes.
	Interactive bool
	partial     string
	// Pause, when set, is called before anything reaches stdout or
	// stderr (a live progress line clears itself).
	Pause func()
	// Debug (-d): the printer words the -d events (event/debug.go).
	Debug bool
	// DebugIMAP (-di) shows in -d's store-level "Opening" lines.
	DebugIMAP bool
	// Vb enables the -vb warnings about repaired message ids.
	Vb bool
	// Vw enables -vw notes.
	Vw bool
	// rec, when set, records stdout and stderr in their order instead
	// of writing them (a box synchronised beside others; see recorder).
	rec *deferredOut
	// lineOpen: stdout's last line is unfinished ("inbox: "); -v notes
	// wait in notes until it ends, so that none splits it.
	lineOpen bool
	notes    []string
}

// recorder returns a Reporter with r's switches that records what it is
// given, for replay (on r) once the work it reports on is done.
func (r *Reporter) recorder() *Reporter {
	return &Reporter{Verbose: r.Verbose, Debug: r.Debug, DebugIMAP: r.DebugIMAP, Vb: r.Vb, Vw: r.Vw, rec: &deferredOut{}}
}

// A Reporter is where the printer of events writes (package event).
var _ event.Output = (*Reporter)(nil)

// NewReporter returns a Reporter writing to stdout and stderr.
func NewReporter(stdout, stderr io.Writer) *Reporter {
	r := &Reporter{err: stderr}
	r.out = bufio.NewWriterSize(pausingWriter{stdout, r}, 64*1024)
	return r
}

// pausingWriter calls the Reporter's Pause before each write.
type pausingWriter struct {
	w io.Writer
	r *Reporter
}

func (p pausingWriter) Write(b []byte) (int, error) {
	if p.r.Pause != nil {
		p.r.Pause()
	}
	return p.w.Write(b)
}

// Out writes s to stdout.
func (r *Reporter) Out(s string) {
	if r.rec != nil {
		r.rec.Out(s)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := strings.IndexByte(s, '\n'); i >= 0 && len(r.notes) > 0 {
		// The unfinished line ends here: the held-back notes follow it.
		r.out.WriteString(s[:i+1])
		r.track(s[:i+1])
		r.lineOpen = false
		r.writeNotes()
		s = s[i+1:]
	}
	r.out.WriteString(s)
	r.track(s)
	if s != "" {
		r.lineOpen = s[len(s)-1] != '\n'
	}
}

// writeNotes writes the held-back -v notes on stderr (r.mu held).
func (r *Reporter) writeNotes() {
	if len(r.notes) == 0 {
		return
	}
	r.out.Flush()
	if r.Pause != nil {
		r.Pause()
	}
	for _, n := range r.notes {
		io.WriteString(r.err, n)
	}
	r.notes = nil
}

// Outf writes a formatted string to stdout.
func (r *Reporter) Outf(format string, args ...any) {
	r.Out(fmt.Sprintf(format, args...))
}

// track writes stdout out at once when it is a terminal (Interactive), as
// C's line-buffered stdout does for 5.2.7, and remembers the unfinished
// last line.
func (r *Reporter) track(s string) {
	if !r.Interactive {
		return
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		r.partial = s[i+1:]
	} else {
		r.partial += s
	}
	r.out.Flush()
}

// Partial is the unfinished last line of stdout on a terminal ("inbox: "),
// which a progress line drawn over it must restore.
func (r *Reporter) Partial() string { return r.partial }

// Errf writes to stderr, after flushing stdout so that the two streams
// interleave in the order of the work on a terminal.
func (r *Reporter) Errf(format string, args ...any) {
	if r.rec != nil {
		r.rec.Errf(format, args...)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Flush()
	if r.Pause != nil {
		r.Pause()
	}
	fmt.Fprintf(r.err, format, args...)
}

// Notef writes a -v note on stderr in c-client's "[...]" style (doc/design/decisions.md#d14-verbose-notes).
// A note that comes while stdout's line is unfinished ("inbox: ") is
// written once that line ends (doc/design/cli.md, "-v notes").
func (r *Reporter) Notef(format string, args ...any) {
	if !r.Verbose {
		return
	}
	r.note("[" + fmt.Sprintf(format, args...) + "]\n")
}

// note writes (or holds back) one formatted -v note.
func (r *Reporter) note(text string) {
	if r.rec != nil {
		r.rec.note(text)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, text)
	if !r.lineOpen {
		r.writeNotes()
	}
}

// Flush writes buffered stdout.
func (r *Reporter) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writeNotes()
	return r.out.Flush()
}

// WriteNow writes p to stdout at once (login notes and prompts, which may
// come from a backend working ahead in another goroutine).
func (r *Reporter) WriteNow(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, err := r.out.Write(p)
	if err == nil {
		err = r.out.Flush()
	}
	return n, err
}

// fromPart is the date/sender/subject part of a message line.
func fromPart(date time.Time, hdr []byte) string {
	return header.Summary(date, hdr)
}

// summary is the date/sender/subject part of the lines of message i,
// whose details d holds.
func summary(d *details.Set, i int32) string {
	return fromPart(d.Date(i), d.Header(i))
}

// deferredOut records what a scan prints, stdout and stderr in their
// order, to print it once the scan has succeeded: a box that fails half
// way prints nothing of its scan, as when its listing fails.
type deferredOut struct {
	lines []deferredLine
}

type deferredLine struct {
	stderr bool
	note   bool // a -v note (Reporter.note)
	text   string
}

func (d *deferredOut) note(text string) {
	d.lines = append(d.lines, deferredLine{stderr: true, note: true, text: text})
}

func (d *deferredOut) Out(s string) { d.lines = append(d.lines, deferredLine{text: s}) }

func (d *deferredOut) Errf(format string, args ...any) {
	d.lines = append(d.lines, deferredLine{stderr: true, text: fmt.Sprintf(format, args...)})
}

// replay prints what was recorded.
func (d *deferredOut) replay(r *Reporter) {
	for _, l := range d.lines {
		if l.note {
			r.note(l.text)
		} else if l.stderr {
			r.Errf("%s", l.text)
		} else {
			r.Out(l.text)
		}
	}
	d.lines = nil
}
