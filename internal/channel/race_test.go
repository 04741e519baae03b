//go:build race

package channel

// raceEnabled: the race detector makes sync.Pool drop what is put back at
// random, so allocation counts mean nothing.
const raceEnabled = true
