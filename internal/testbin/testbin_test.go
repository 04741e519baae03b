package testbin

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records Fatal and Skip instead of
// stopping the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.fatal = args[0].(string) }
func (r *recorder) Skip(args ...any)  { r.skip = args[0].(string) }

func TestMissingTool(t *testing.T) {
	t.Setenv(RequireTools, "1")
	r := &recorder{TB: t}
	MissingTool(r, "groff not installed")
	if r.skip != "" || !strings.HasPrefix(r.fatal, "groff not installed (run scripts/setup.sh)") {
		t.Errorf("under %s=1: fatal %q, skip %q", RequireTools, r.fatal, r.skip)
	}
	t.Setenv(RequireTools, "")
	r = &recorder{TB: t}
	MissingTool(r, "groff not installed")
	if r.fatal != "" || !strings.Contains(r.skip, "set "+RequireTools+"=1 to fail instead") {
		t.Errorf("without %s: fatal %q, skip %q", RequireTools, r.fatal, r.skip)
	}
}
