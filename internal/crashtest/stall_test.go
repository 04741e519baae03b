package crashtest

import (
	"bytes"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stallFault holds the connection once mailsync asks for beta's bodies:
// the server seems hung.
func stallFault() *fault { return &fault{match: isBodyFetchIn("beta"), nth: 1, act: actStall} }

// TestStallSignal: while the server hangs, SIGINT or SIGTERM must stop
// mailsync promptly (the script test imap_interrupt.txtar does the same
// for SIGINT against the in-process server), exit 1 with 5.2.7-style
// wording, and leave the msinfo as it was.
func TestStallSignal(t *testing.T) {
	s := server(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			w := newFaultWorld(t, s, map[syscall.Signal]string{syscall.SIGINT: "stallint", syscall.SIGTERM: "stallterm"}[sig])
			p := startProxy(t, s.Addr(), stallFault())
			w.via(p.Addr())
			before, err := os.ReadFile(w.h.path(".msinfo"))
			if err != nil {
				t.Fatal(err)
			}
			run := w.h.start("ch")
			deadline := time.Now().Add(runLimit)
			for p.fired.Load() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if p.fired.Load() == 0 {
				t.Fatal("mailsync never asked for beta's bodies")
			}
			time.Sleep(200 * time.Millisecond) // it is waiting now
			sent := time.Now()
			run.cmd.Process.Signal(sig)
			res := run.wait(t, runLimit)
			took := time.Since(sent)
			t.Logf("%v: exit %d %v after the signal\nstderr:\n%s", sig, res.code, took.Round(time.Millisecond), res.stderr)
			if took > 3*time.Second {
				t.Errorf("mailsync took %v to stop after %v", took, sig)
			}
			if res.code != 1 || !strings.Contains(res.stderr, "Error: interrupted; the msinfo was left unchanged") {
				t.Errorf("exit %d, want 1 and the interruption message", res.code)
			}
			after, err := os.ReadFile(w.h.path(".msinfo"))
			if err != nil || !bytes.Equal(before, after) {
				t.Errorf("the msinfo changed (%v)", err)
			}
			if s := strays(w.h.dir); len(s) > 0 {
				t.Errorf("left behind: %v", s)
			}
		})
	}
}

// TestStallNoSignal measures how long a hung server blocks mailsync when
// nobody signals it. It waits up to CRASHTEST_STALL (a duration, e.g.
// 6m); without that variable it is skipped (it only measures).
func TestStallNoSignal(t *testing.T) {
	limit, err := time.ParseDuration(os.Getenv("CRASHTEST_STALL"))
	if err != nil {
		t.Skip("set CRASHTEST_STALL=6m to measure how long a stalled server blocks mailsync")
	}
	s := server(t)
	w := newFaultWorld(t, s, "stallforever")
	p := startProxy(t, s.Addr(), stallFault())
	w.via(p.Addr())
	run := w.h.start("ch")
	select {
	case <-run.done:
		t.Logf("mailsync gave up after %v: exit %d\nstderr:\n%s", run.res.dur.Round(time.Millisecond), run.res.code, run.res.stderr)
	case <-time.After(limit):
		t.Logf("mailsync still blocked after %v", limit)
	}
}
