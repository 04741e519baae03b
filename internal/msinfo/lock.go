package msinfo

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/pidlock"
	"github.com/mailsync/mailsync/internal/store"
)

// LockedError says another mailsync holds the msinfo lock.
type LockedError struct {
	Name string
	PID  int
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("msinfo %s is locked by another mailsync (pid %d)", e.Name, e.PID)
}

// takeLock creates the lock file holding our pid. A lock whose pid is dead
// (or unreadable and not ours) is taken over with a note, atomically
// (package pidlock): of two runs that find the same stale lock, one gets
// the lock and the other finds it held. doc/design/state.md, "Locks".
func takeLock(path, display string, notes func(store.Note)) error {
	for tries := 0; tries < 3; tries++ {
		err := pidlock.Create(path, pidlock.Content(), 0o600, true)
		if err == nil {
			return nil
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return fmt.Errorf("read lock %s: %w", path, err)
		}
		if held, pid := heldBy(b); held {
			return &LockedError{Name: display, PID: pid}
		}
		old, took, err := pidlock.TakeOver(path, func(content []byte, _ os.FileInfo) bool {
			held, _ := heldBy(content)
			return !held
		})
		if err != nil {
			return err
		}
		if took {
			notes(store.StaleLockTaken{Lock: path, PID: strings.TrimSpace(string(old)), Msinfo: display})
		}
	}
	return fmt.Errorf("lock %s: could not take the lock", path)
}

// heldBy reports whether a lock with this content is held, and by which
// pid: one whose pid is alive, or an empty one (its creator is writing
// it right now; pid 0). Any other content is stale.
func heldBy(content []byte) (bool, int) {
	pid, err := strconv.Atoi(strings.TrimSpace(string(content)))
	if err == nil && pid > 0 && pidlock.Alive(pid) {
		return true, pid
	}
	if len(content) == 0 {
		return true, 0
	}
	return false, 0
}
