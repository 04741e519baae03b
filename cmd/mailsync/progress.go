package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/mailsync/mailsync/internal/channel"
)

// progressDelay is how long a box's copies must run before the live
// progress line appears; MAILSYNC_TEST_PROGRESS_DELAY overrides it.
const progressDelay = time.Second

// redrawEvery limits how often the line is redrawn.
const redrawEvery = 100 * time.Millisecond

// newProgress returns the live progress display for stderr, or nil when
// stderr is not a terminal (cron, pipes, tests): nothing then changes in
// what mailsync prints.
func newProgress(stderr io.Writer) *termProgress {
	if !isTerminal(stderr) {
		return nil
	}
	delay := progressDelay
	if d, err := time.ParseDuration(os.Getenv("MAILSYNC_TEST_PROGRESS_DELAY")); err == nil {
		delay = d
	}
	width := 80
	if w, _, err := term.GetSize(int(stderr.(*os.File).Fd())); err == nil && w > 20 {
		width = w
	}
	return &termProgress{w: stderr, delay: delay, width: width, now: time.Now}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termProgress shows one line on stderr while a box's copies run:
//
//	inbox a->b +12/40 [=====>        ] 12.3 MB/40.1 MB 4.1 MB/s 0:03
//
// Everything on it counts from the start of the direction's copies
// (Start): the messages copied, the bytes, the rate (bytes over the time
// since Start) and the elapsed time; the line itself appears only once
// the copies have run for the delay, and is cleared before other output.
// doc/design/cli.md, "Progress".
type termProgress struct {
	w     io.Writer
	delay time.Duration
	width int              // the terminal's columns: the line is cut to fit
	now   func() time.Time // the clock (tests set it)
	// partial returns stdout's unfinished line when stdout is the same
	// terminal: the line is drawn over it and must put it back.
	partial func() string

	mu          sync.Mutex
	start, last time.Time // Start, the last redraw
	shown       bool      // the line is on the terminal
	box, dir    string
	count, done int
	total, sent int64
}

var _ channel.Progress = (*termProgress)(nil)

func (p *termProgress) Start(box, dir string, count int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start, p.last, p.shown = p.now(), time.Time{}, false
	p.box, p.dir, p.count, p.done, p.total, p.sent = box, dir, count, 0, bytes, 0
}

func (p *termProgress) Copied(bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.sent += bytes
	now := p.now()
	if now.Sub(p.start) < p.delay || (now.Sub(p.last) < redrawEvery && p.done < p.count) {
		return
	}
	p.last, p.shown = now, true
	io.WriteString(p.w, "\r\x1b[K"+p.line(now))
}

// line is the progress line at now, cut to the terminal's width.
func (p *termProgress) line(now time.Time) string {
	name := p.box
	if name == "" {
		name = `""`
	}
	elapsed := now.Sub(p.start)
	rate := int64(0)
	if elapsed > 0 {
		rate = int64(float64(p.sent) / elapsed.Seconds())
	}
	s := fmt.Sprintf("%s %s +%d/%d %s %s/%s %s/s %d:%02d", name, p.dir, p.done, p.count,
		bar(p.sent, p.total, 20), siBytes(p.sent), siBytes(p.total), siBytes(rate),
		int(elapsed.Minutes()), int(elapsed.Seconds())%60)
	if r := []rune(s); len(r) > p.width-1 {
		s = string(r[:p.width-1])
	}
	return s
}

// bar is a bar of width characters, filled by the share done of total.
func bar(done, total int64, width int) string {
	n := width
	if total > 0 && done < total {
		n = int(done * int64(width) / total)
	}
	if n >= width {
		return "[" + strings.Repeat("=", width) + "]"
	}
	return "[" + strings.Repeat("=", n) + ">" + strings.Repeat(" ", width-n-1) + "]"
}

// siBytes formats a byte count with SI prefixes (1 kB = 1000 B).
func siBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 999.95 || u == "TB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}

func (p *termProgress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// clear removes the line and restores what stdout had on it.
func (p *termProgress) clear() {
	if !p.shown {
		return
	}
	p.shown = false
	io.WriteString(p.w, "\r\x1b[K")
	if p.partial != nil {
		io.WriteString(p.w, p.partial())
	}
}

// Pause clears the line before other output; the next update redraws it.
func (p *termProgress) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.last = time.Time{}
}
