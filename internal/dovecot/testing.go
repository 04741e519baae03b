package dovecot

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
)

// RequireEnv names the environment variable that, set to "1", turns
// "Dovecot is unavailable" from a skipped test into a failed one. The
// Makefile sets it in CI so Dovecot tests can never silently skip there.
const RequireEnv = "MAILSYNC_REQUIRE_DOVECOT"

// Start launches a server for one test and stops it (removing its
// directory) in tb.Cleanup. If Dovecot cannot be installed or started the
// test is skipped, or fails when RequireEnv is "1". Invalid Options always
// fail the test.
func Start(tb testing.TB, opt Options) *Server {
	tb.Helper()
	if _, err := opt.normalize(); err != nil {
		tb.Fatal(err)
	}
	s, err := Launch(tb.Context(), opt, "")
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("stop dovecot: %v", err)
		}
	})
	return s
}

// unavailable skips tb, or fails it when RequireEnv is "1".
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("Dovecot is required (%s=1) but unavailable: %v", RequireEnv, err)
		return
	}
	tb.Skipf("Dovecot unavailable (set %s=1 to fail instead): %v", RequireEnv, err)
}

// sharedServer is one entry of the Shared cache.
type sharedServer struct {
	once sync.Once
	s    *Server
	err  error
}

var (
	sharedMu      sync.Mutex
	sharedServers = map[string]*sharedServer{}
)

// Shared returns the process's server for opt, launching it on first use;
// callers with equal Options get the same server, so a package can use
// one server for all its tests. Callers must not assume an empty mailbox
// and should use folder names of their own. Stop all of them with
// StopShared from TestMain after m.Run; a server left running gets
// SIGTERM when the process exits. Unavailability is handled as in Start.
func Shared(tb testing.TB, opt Options) *Server {
	tb.Helper()
	n, err := opt.normalize()
	if err != nil {
		tb.Fatal(err)
	}
	sharedMu.Lock()
	e := sharedServers[n.key()]
	if e == nil {
		e = &sharedServer{}
		sharedServers[n.key()] = e
	}
	sharedMu.Unlock()
	e.once.Do(func() { e.s, e.err = Launch(context.Background(), n, "") })
	if e.err != nil {
		unavailable(tb, e.err)
	}
	return e.s
}

// StopShared stops every server Shared started and forgets them.
func StopShared() error {
	sharedMu.Lock()
	servers := sharedServers
	sharedServers = map[string]*sharedServer{}
	sharedMu.Unlock()
	var errs []error
	for _, e := range servers {
		e.once.Do(func() {}) // wait for a launch in progress
		if e.s != nil {
			errs = append(errs, e.s.Stop())
		}
	}
	return errors.Join(errs...)
}
