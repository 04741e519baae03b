package main

import (
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestProgressCountsFromStart: the rate, elapsed time and counts of the
// line count from the start of the copies, although the line appears only
// after the delay (before: the bar was made after a second with the bytes
// already copied and showed 2.3 TB/s, then 501 MB/s for 40 MB/s).
func TestProgressCountsFromStart(t *testing.T) {
	var out strings.Builder
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p := &termProgress{w: &out, delay: time.Second, width: 200, now: clk.now}
	p.Start("inbox", "a->b", 100, 100*4_000_000)
	for i := range 10 { // 40 MB in 1 s: 4 MB per 100 ms
		clk.t = clk.t.Add(100 * time.Millisecond)
		p.Copied(4_000_000)
		if i < 9 && out.Len() > 0 {
			t.Fatalf("the line appeared after %d ms, before the delay: %q", (i+1)*100, out.String())
		}
	}
	got := out.String()
	want := "\r\x1b[Kinbox a->b +10/100 [==>                 ] 40.0 MB/400.0 MB 40.0 MB/s 0:01"
	if got != want {
		t.Fatalf("after 1 s:\n got %q\nwant %q", got, want)
	}
	out.Reset()
	clk.t = clk.t.Add(1500 * time.Millisecond)
	p.Copied(60_000_000) // 100 MB in 2.5 s
	if want := "\r\x1b[Kinbox a->b +11/100 [=====>              ] 100.0 MB/400.0 MB 40.0 MB/s 0:02"; out.String() != want {
		t.Fatalf("after 2.5 s:\n got %q\nwant %q", out.String(), want)
	}
	out.Reset()
	p.Stop()
	if out.String() != "\r\x1b[K" {
		t.Errorf("Stop wrote %q, want the line cleared", out.String())
	}
}

// TestProgressPartialAndThrottle: a redraw comes at most every 100 ms
// (and for the last message); clearing puts stdout's unfinished line back;
// the line is cut to the terminal's width.
func TestProgressPartialAndThrottle(t *testing.T) {
	var out strings.Builder
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := &termProgress{w: &out, width: 30, now: clk.now, partial: func() string { return "inbox: " }}
	p.Start("inbox", "a->b", 3, 3000)
	p.Copied(1000)
	first := out.String()
	if !strings.HasPrefix(first, "\r\x1b[Kinbox a->b +1/3") || len([]rune(first))-len("\r\x1b[K") != 29 {
		t.Fatalf("first draw %q: want the line cut to 29 columns", first)
	}
	p.Copied(1000) // no time passed: throttled
	if out.String() != first {
		t.Fatalf("redrawn within 100 ms: %q", out.String())
	}
	p.Copied(1000) // the last message is always drawn
	if !strings.Contains(out.String(), "+3/3") {
		t.Fatalf("last message not drawn: %q", out.String())
	}
	out.Reset()
	p.Pause()
	if out.String() != "\r\x1b[Kinbox: " {
		t.Errorf("Pause wrote %q", out.String())
	}
	out.Reset()
	p.Pause() // nothing shown: nothing to clear
	if out.String() != "" {
		t.Errorf("second Pause wrote %q", out.String())
	}
}

func TestSIBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 40_000_000: "40.0 MB",
		999_960: "1.0 MB", 2_300_000_000_000: "2.3 TB"} {
		if got := siBytes(n); got != want {
			t.Errorf("siBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
