package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// TestPaceGC: with paceGC a run whose live heap is small collects once
// per gcFloor allocated, not once per 4 MiB; once more than half of
// gcFloor is live, Go's usual pace (GOGC=100, no limit) applies. A GOGC
// of the user's wins. Run in a child process, whose collector it sets.
func TestPaceGC(t *testing.T) {
	if os.Getenv("MAILSYNC_PACEGC_CHILD") != "" {
		paceGCChild()
		return
	}
	for _, c := range []struct {
		env  string
		want string
	}{
		{"", "small: percent -1; large: percent 100"},
		{"GOGC=100", "small: percent 100; large: percent 100"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPaceGC$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MAILSYNC_PACEGC_CHILD=1")
		if c.env != "" {
			cmd.Env = append(cmd.Env, c.env)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		var cycles int
		var got string
		for _, l := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(l, "PACE "); ok {
				fmt.Sscanf(rest, "%d", &cycles)
				_, got, _ = strings.Cut(rest, " ")
			}
		}
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.env, got, c.want)
		}
		if c.env == "" && (cycles < 1 || cycles > 8) || c.env != "" && cycles < 15 {
			t.Errorf("%q: %d collections for 96 MiB of garbage", c.env, cycles)
		}
	}
}

var sink []byte

func paceGCChild() {
	paceGC()
	start := gcCycles()
	for range 96 {
		sink = make([]byte, 1<<20)
	}
	small := gcCycles() - start
	fmt.Printf("PACE %d small: percent %d; ", small, gcPercent())
	keep := make([][]byte, 20)
	for i := range keep {
		keep[i] = make([]byte, 1<<20)
	}
	deadline := time.Now().Add(5 * time.Second)
	for gcPercent() != 100 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("large: percent %d\n", gcPercent())
	runtime.KeepAlive(keep)
}

func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func gcPercent() int {
	p := debug.SetGCPercent(0)
	debug.SetGCPercent(p)
	return p
}
