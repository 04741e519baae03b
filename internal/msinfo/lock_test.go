package msinfo

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestStaleLockRace: runs that find the same stale msinfo lock at the
// same moment (goroutines here: the lock is by pid, and pid 999999999 is
// gone) end with exactly one owner; the others are refused as by any
// held lock, and one note tells of the takeover, worded as before.
func TestStaleLockRace(t *testing.T) {
	dir := t.TempDir()
	for round := range 50 {
		path := filepath.Join(dir, "msinfo")
		if err := os.WriteFile(path+".lock", []byte("999999999\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		const runs = 12
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			owners []File
			notes  []store.Note
			start  = make(chan struct{})
		)
		for range runs {
			wg.Go(func() {
				<-start
				var n []store.Note
				f, err := OpenLocal(path, "ms", Options{Env: testEnv(), Notes: func(x store.Note) { n = append(n, x) }})
				mu.Lock()
				defer mu.Unlock()
				notes = append(notes, n...)
				var le *LockedError
				switch {
				case err == nil:
					owners = append(owners, f)
				case !errors.As(err, &le):
					t.Errorf("round %d: %v", round, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(owners) != 1 {
			t.Fatalf("round %d: %d owners of the msinfo lock", round, len(owners))
		}
		want := store.StaleLockTaken{Lock: path + ".lock", PID: "999999999", Msinfo: "ms"}
		if len(notes) != 1 || notes[0] != store.Note(want) {
			t.Fatalf("round %d: notes %+v, want one %+v", round, notes, want)
		}
		if err := owners[0].Close(); err != nil {
			t.Fatal(err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Fatalf("round %d: files %v", round, ents)
		}
	}
}
