package mbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestListingStopsWhenCancelled: a listing whose context ends stops
// within ctxEvery messages with the context's error, and the box can
// still be listed after.
func TestListingStopsWhenCancelled(t *testing.T) {
	var b strings.Builder
	for i := range 3 * ctxEvery {
		fmt.Fprintf(&b, "From a@b Mon Jan  1 10:00:00 2024\nMessage-ID: <%d@x>\n\nbody\n\n", i)
	}
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	box, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	cctx, cancel := context.WithCancel(ctx)
	seen := 0
	err = box.EachMessage(cctx, func(store.Message) error {
		if seen++; seen == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen >= 2*ctxEvery {
		t.Fatalf("after a cancel: %d messages, %v", seen, err)
	}
	ms, err := box.Messages(ctx)
	if err != nil || len(ms) != 3*ctxEvery {
		t.Fatalf("listed again: %d messages, %v", len(ms), err)
	}
}
