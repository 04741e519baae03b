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

// TestStallNoSignal: when nobody signals it, mailsync must give a hung
// server up by itself (the IMAP store's stall watchdog: two minutes
// without a byte moving) and treat it as any other server fault: beta
// fails naming the server and the stall, exit 1, the other boxes are
// synchronised, and the next run repairs beta (checkFaulted). It waits up
// to CRASHTEST_STALL (longer than the watchdog's two minutes, e.g. 4m);
// without that variable it is skipped (a run takes minutes).
func TestStallNoSignal(t *testing.T) {
	limit, err := time.ParseDuration(os.Getenv("CRASHTEST_STALL"))
	if err != nil {
		t.Skip("set CRASHTEST_STALL=4m to check that mailsync gives a stalled server up by itself")
	}
	s := server(t)
	w := newFaultWorld(t, s, "stallforever")
	p := startProxy(t, s.Addr(), stallFault())
	w.via(p.Addr())
	res := w.h.start("ch").wait(t, limit)
	if p.fired.Load() == 0 {
		t.Fatalf("mailsync never asked for beta's bodies: the stall was not exercised\nstderr:\n%s", res.stderr)
	}
	w.checkFaulted(t, res, "{"+p.Addr(), w.prefix+"/beta", "no answer from the server for 2m0s")
}
