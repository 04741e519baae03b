package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/mailsync/mailsync/internal/channel"
)

// progressDelay is how long a box's copies must run before the live
// progress line appears; MAILSYNC_TEST_PROGRESS_DELAY overrides it.
const progressDelay = time.Second

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
	return &termProgress{w: stderr, delay: delay}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termProgress shows "BOX A->B n/N" with a bar, bytes and rate on one
// line of stderr (github.com/schollz/progressbar) once a box has been
// copying for the delay; the line is cleared before other output.
type termProgress struct {
	w     io.Writer
	delay time.Duration
	// partial returns stdout's unfinished line when stdout is the same
	// terminal: the bar is drawn over it and must put it back.
	partial func() string

	mu          sync.Mutex
	bar         *progressbar.ProgressBar
	start       time.Time
	box, dir    string
	count, done int
	total, sent int64
}

var _ channel.Progress = (*termProgress)(nil)

func (p *termProgress) Start(box, dir string, count int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar, p.start = nil, time.Now()
	p.box, p.dir, p.count, p.done, p.total, p.sent = box, dir, count, 0, bytes, 0
}

func (p *termProgress) Copied(bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.sent += bytes
	if p.bar == nil {
		if time.Since(p.start) < p.delay {
			return
		}
		p.bar = progressbar.NewOptions64(p.total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.label()),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionUseANSICodes(true),
		)
		p.bar.Set64(p.sent)
		return
	}
	p.bar.Describe(p.label())
	p.bar.Add64(bytes)
}

func (p *termProgress) label() string {
	name := p.box
	if name == "" {
		name = `""`
	}
	return fmt.Sprintf("%s %s %d/%d", name, p.dir, p.done, p.count)
}

func (p *termProgress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.clear()
		p.bar = nil
	}
}

// clear removes the line and restores what stdout had on it.
func (p *termProgress) clear() {
	p.bar.Clear()
	if p.partial != nil {
		fmt.Fprint(p.w, p.partial())
	}
}

// Pause clears the line before other output; the next update redraws it.
func (p *termProgress) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.clear()
	}
}
