package mh

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// The lock holder is this test binary run again: it locks the file named
// by MH_TEST_LOCK_FILE exclusively (fcntl, as nmh does), says "locked",
// waits MH_TEST_LOCK_HOLD, rewrites the file in place with
// MH_TEST_LOCK_APPEND added (as nmh's seq_save does), and exits.
func TestMain(m *testing.M) {
	if path := os.Getenv("MH_TEST_LOCK_FILE"); path != "" {
		os.Exit(holdLock(path))
	}
	os.Exit(m.Run())
}

func holdLock(path string) int {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 2
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLKW, &lk); err != nil {
		return 3
	}
	os.Stdout.WriteString("locked\n")
	hold, _ := time.ParseDuration(os.Getenv("MH_TEST_LOCK_HOLD"))
	time.Sleep(hold)
	// Read through the locked descriptor: closing any other descriptor
	// of the file (os.ReadFile's) would drop this process's fcntl lock
	// (POSIX), and a waiting Close could then read the file between the
	// Truncate and the WriteAt below (seen once in CI: the sequences
	// read back as ours alone).
	old, err := io.ReadAll(f)
	if err != nil {
		return 4
	}
	if err := f.Truncate(0); err != nil {
		return 5
	}
	if _, err := f.WriteAt(append(old, os.Getenv("MH_TEST_LOCK_APPEND")...), 0); err != nil {
		return 6
	}
	return 0
}

// startHolder runs the lock holder on path and returns once it holds the
// lock; wait waits for it to end.
func startHolder(t *testing.T, path string, hold time.Duration, add string) (wait func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MH_TEST_LOCK_FILE="+path, "MH_TEST_LOCK_HOLD="+hold.String(), "MH_TEST_LOCK_APPEND="+add)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("lock holder: %q, %v", line, err)
	}
	done := false
	wait = func() {
		if done {
			return
		}
		done = true
		if err := cmd.Wait(); err != nil {
			t.Errorf("lock holder: %v", err)
		}
	}
	t.Cleanup(func() {
		if !done {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return wait
}

// openWaiting opens the folder at dir read-write with a store whose lock
// wait is d (store.Env.LockWait).
func openWaiting(t *testing.T, dir string, d time.Duration) *Folder {
	t.Helper()
	env := testEnv
	env.LockWait = d
	f, err := Open(dir, store.ReadWrite, env)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSequencesWaitForLock: Close waits for an nmh that holds the sequence
// file locked, then rereads it: the line nmh wrote in place meanwhile is
// kept along with ours.
func TestSequencesWaitForLock(t *testing.T) {
	t.Parallel()
	dir := seqFolder(t, 1, nil, "cur: 1\n")
	path := filepath.Join(dir, seqFileName)
	f := openWaiting(t, dir, 10*time.Second)
	appendT(t, f, store.Flagged)
	wait := startHolder(t, path, 300*time.Millisecond, "nmh: 1\n")
	start := time.Now()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	wait()
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("Close returned after %v, before the lock was released", d)
	}
	if got := statFile(t, path).data; got != "cur: 1\nnmh: 1\nflagged: 2\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}

// TestSequencesLockTimeout: a lock that is not released makes Messages and
// Close fail (not read or write the file unlocked); the message itself is
// in place.
func TestSequencesLockTimeout(t *testing.T) {
	t.Parallel()
	dir := seqFolder(t, 1, nil, "cur: 1\n")
	path := filepath.Join(dir, seqFileName)
	f := openWaiting(t, dir, 200*time.Millisecond)
	appendT(t, f, store.Answered)
	startHolder(t, path, time.Minute, "")
	if _, err := f.Messages(context.Background()); !errors.Is(err, errSeqLocked) {
		t.Errorf("Messages with the sequences locked: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Messages(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Messages with a cancelled context: %v", err)
	}
	err := f.Close()
	if !errors.Is(err, errSeqLocked) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Close with the sequences locked: %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "2")); serr != nil {
		t.Errorf("appended message: %v", serr)
	}
	if got := statFile(t, path).data; got != "cur: 1\n" {
		t.Errorf(".mh_sequences = %q", got)
	}
}
