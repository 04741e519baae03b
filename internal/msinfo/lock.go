package msinfo

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/store/mbox"
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
// (or unreadable and not ours) is taken over with a note.
func takeLock(path, display string, notes io.Writer) error {
	for tries := 0; tries < 3; tries++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, werr := f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			serr := f.Sync()
			cerr := f.Close()
			if err := errors.Join(werr, serr, cerr); err != nil {
				os.Remove(path)
				return fmt.Errorf("write lock %s: %w", path, err)
			}
			return nil
		}
		if !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create lock %s: %w", path, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return fmt.Errorf("read lock %s: %w", path, err)
		}
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if perr == nil && pid > 0 && mbox.ProcessAlive(pid) {
			return &LockedError{Name: display, PID: pid}
		}
		if perr != nil && len(b) == 0 {
			// being written by its creator right now: treat as held
			return &LockedError{Name: display, PID: 0}
		}
		if notes != nil {
			fmt.Fprintf(notes, "Info: taking over the stale lock %s of msinfo %s (pid %s is gone)\n", path, display, strings.TrimSpace(string(b)))
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale lock %s: %w", path, err)
		}
	}
	return fmt.Errorf("lock %s: could not take the lock", path)
}
