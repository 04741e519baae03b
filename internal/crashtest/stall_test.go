package crashtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/testbin"
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
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		// SIGINT also over a slow link: Ctrl-C stops at once there too.
		l := links[(i+1)%len(links)]
		t.Run(sig.String()+"/"+l.name, func(t *testing.T) {
			t.Parallel()
			w := newFaultWorld(t, s, map[syscall.Signal]string{syscall.SIGINT: "stallint", syscall.SIGTERM: "stallterm"}[sig])
			p := startProxy(t, l.upstream(t, s), stallFault())
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

// TestStallNoSignal: a server that hangs while mailsync copies, and
// nobody signals mailsync. The stall watchdog gives the server up after
// the stall time (two minutes by default, MAILSYNC_TEST_STALL=1s here):
// the run ends by itself with exit 1 and one error line, naming the store;
// beta (stalled) and the boxes after it (skipped, not even named on
// stdout) keep their msinfo entries, the boxes before it are
// synchronised; a run without the fault then synchronises everything.
func TestStallNoSignal(t *testing.T) {
	s := server(t)
	w := newFaultWorld(t, s, "stallforever")
	p := startProxy(t, s.Addr(), stallFault())
	w.via(p.Addr())
	ctx, cancel := context.WithTimeout(t.Context(), runLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, testbin.Path(t), "ch")
	cmd.Env = append(w.h.env(), "MAILSYNC_TEST_STALL=1s")
	cmd.Dir = w.h.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("exit %v; stdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	if ctx.Err() != nil {
		t.Fatalf("mailsync still blocked after %v", runLimit)
	}
	if p.fired.Load() == 0 {
		t.Fatal("mailsync never asked for beta's bodies")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// One line for the dead store, none for each copy, expunge or box
	// that failed with it.
	if n, all := strings.Count(stderr.String(), "Error: Store a cannot be reached any more"), strings.Count(stderr.String(), "Error:"); n != 1 || all != 1 {
		t.Errorf("%d lines say that store a was given up and %d errors in all, want 1 and 1", n, all)
	}
	last, err := readMsinfo(t.Context(), w.h.path(".msinfo"), "ch")
	if err != nil {
		t.Fatal(err)
	}
	stalled := strings.Index(stdout.String(), "beta: ")
	if stalled < 0 {
		t.Fatal("beta was not synchronised")
	}
	for _, box := range faultBoxes {
		at := strings.Index(stdout.String(), box+": ")
		switch {
		case box == "beta":
			if !reflect.DeepEqual(last[box], w.synced[box]) {
				t.Errorf("beta's msinfo entry changed:\n%v\nwant\n%v", last[box], w.synced[box])
			}
		case at < 0: // after beta: skipped
			if !reflect.DeepEqual(last[box], w.synced[box]) {
				t.Errorf("%s (skipped) msinfo entry changed:\n%v\nwant\n%v", box, last[box], w.synced[box])
			}
		case at > stalled:
			t.Errorf("%s was synchronised after the store was given up", box)
		case len(last[box]) != len(w.synced[box])+6:
			t.Errorf("%s's msinfo entry has %d ids, want %d", box, len(last[box]), len(w.synced[box])+6)
		}
	}
	if s := strays(w.h.dir); len(s) > 0 {
		t.Errorf("left behind: %v", s)
	}
	w.via(s.Addr())
	if again := w.h.run("ch"); again.code != 0 {
		t.Errorf("the run after the fault: exit %d\n%s", again.code, again.stderr)
	}
	sn, err := readRemote(t.Context(), s, w.h, w.prefix, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, box := range faultBoxes {
		w.synchronised(t, sn, box, "after the run without faults")
	}
}
