package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's pace (doc/design/trust-memory.md, "Garbage
// collection"). Go collects when the heap has grown by as much as was
// live after the last collection, starting from 4 MiB. A run that reads
// a few thousand messages lives in well under 10 MiB, so it collected
// half a dozen times for nothing: about a tenth of the CPU of a flag
// synchronisation. Here the heap may grow to gcFloor before the first
// collection, and it is collected whenever it reaches gcFloor again while
// what is live stays under half of it; once more is live (two collections
// in a row), the usual pace applies for the rest of the run, so a large
// run's peak is what it was.

// gcFloor is the heap size collections start at.
const gcFloor = 24 << 20

// paceGC sets that pace, unless the user set GOGC or GOMEMLIMIT.
func paceGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcFloor)
	watchGC()
}

// gcWatch is an object whose finalizer runs after the collection that
// found it unreachable: once per collection, as each arms the next.
type gcWatch struct{ _ *int }

// watchGC arms the finalizer, which restores the usual pace once two
// collections in a row found more than half of gcFloor live (one alone
// may count as live what was allocated while it ran).
func watchGC() { watchGCFrom(0) }

func watchGCFrom(over int) {
	runtime.SetFinalizer(&gcWatch{}, func(*gcWatch) {
		if liveHeap() <= gcFloor/2 {
			watchGCFrom(0)
			return
		}
		if over+1 < 2 {
			watchGCFrom(over + 1)
			return
		}
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return math.MaxUint64 // unknown: the usual pace
	}
	return s[0].Value.Uint64()
}
