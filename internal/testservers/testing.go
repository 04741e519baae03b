package testservers

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
)

// RequireEnv names the environment variable that, set to "1", turns "the
// server is unavailable" from a skipped test into a failed one. make test
// sets it, so CI never skips these tests silently.
const RequireEnv = "MAILSYNC_REQUIRE_SERVERS"

// Start launches a server of kind k for one test and stops it in
// tb.Cleanup. Unavailability skips tb, or fails it under RequireEnv=1.
func Start(tb testing.TB, k Kind, opt Options) *Server {
	tb.Helper()
	s, err := Launch(tb.Context(), k, opt)
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("stop %s: %v", k, err)
		}
	})
	return s
}

func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("the test servers are required (%s=1) but unavailable: %v", RequireEnv, err)
		return
	}
	tb.Skipf("test server unavailable (set %s=1 to fail instead): %v", RequireEnv, err)
}

type shared struct {
	once sync.Once
	s    *Server
	err  error
}

var (
	sharedMu sync.Mutex
	servers  = map[Kind]*shared{}
)

// Shared returns the process's server of kind k (with DefaultUsers),
// launching it on first use. Tests sharing it must use folders of their
// own. StopShared, from TestMain after m.Run, stops them; a server left
// running dies with the process (parent-death signal).
func Shared(tb testing.TB, k Kind) *Server {
	tb.Helper()
	sharedMu.Lock()
	e := servers[k]
	if e == nil {
		e = &shared{}
		servers[k] = e
	}
	sharedMu.Unlock()
	e.once.Do(func() { e.s, e.err = Launch(context.Background(), k, Options{}) })
	if e.err != nil {
		unavailable(tb, e.err)
	}
	return e.s
}

// StopShared stops every server Shared started.
func StopShared() error {
	sharedMu.Lock()
	all := servers
	servers = map[Kind]*shared{}
	sharedMu.Unlock()
	var errs []error
	for _, e := range all {
		e.once.Do(func() {})
		if e.s != nil {
			errs = append(errs, e.s.Stop())
		}
	}
	return errors.Join(errs...)
}
