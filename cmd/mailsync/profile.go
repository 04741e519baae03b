package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles writes a CPU profile to $MAILSYNC_CPUPROFILE, an
// execution trace (go tool trace: which goroutine waited on what) to
// $MAILSYNC_TRACE and a heap profile (taken at exit) to
// $MAILSYNC_MEMPROFILE when they are set: a developer's tool for the
// benchmarks (make bench), not a user feature. The returned function
// stops the profiles; it never fails the run.
func startProfiles() (stop func()) {
	var stops []func()
	record := func(env, what string, start func(io.Writer) error, end func()) {
		path := os.Getenv(env)
		if path == "" {
			return
		}
		f, err := os.Create(path)
		if err == nil {
			if err = start(f); err != nil {
				f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "mailsync: %s %s: %v\n", what, path, err)
			return
		}
		stops = append(stops, func() { end(); f.Close() })
	}
	record("MAILSYNC_CPUPROFILE", "cpu profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
	record("MAILSYNC_TRACE", "execution trace", trace.Start, trace.Stop)
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
