package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles writes a CPU profile to $MAILSYNC_CPUPROFILE and a heap
// profile (taken at exit) to $MAILSYNC_MEMPROFILE and an execution trace
// (go tool trace: which goroutine waited on what) to $MAILSYNC_TRACE
// when they are set: a
// developer's tool for the benchmarks (make bench), not a user feature.
// The returned function stops the profiles; it never fails the run.
func startProfiles() (stop func()) {
	var stops []func()
	if path := os.Getenv("MAILSYNC_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		} else {
			fmt.Fprintf(os.Stderr, "mailsync: cpu profile %s: %v\n", path, err)
		}
	}
	if path := os.Getenv("MAILSYNC_TRACE"); path != "" {
		f, err := os.Create(path)
		if err == nil && trace.Start(f) == nil {
			stops = append(stops, func() { trace.Stop(); f.Close() })
		} else {
			fmt.Fprintf(os.Stderr, "mailsync: execution trace %s: %v\n", path, err)
		}
	}
	if path := os.Getenv("MAILSYNC_MEMPROFILE"); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintf(os.Stderr, "mailsync: heap profile: %v\n", err)
				return
			}
			defer f.Close()
			runtime.GC()
			pprof.Lookup("allocs").WriteTo(f, 0)
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
