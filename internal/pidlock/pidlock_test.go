package pidlock

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// staleMark is the content of the stale lock the race tests start from;
// in them a lock is stale exactly when it holds that content.
const staleMark = "stale\n"

func isStale(content []byte, _ os.FileInfo) bool { return string(content) == staleMark }

// race is what one contender does: create the lock with content, taking
// the stale one over; it reports whether it got the lock. A lock held by
// another contender (not stale) means it lost.
func race(path string, content []byte) (bool, error) {
	for {
		err := Create(path, content, 0o600, false)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return false, err
		}
		_, took, err := TakeOver(path, isStale)
		if err != nil {
			return false, err
		}
		if !took {
			// Not stale: another contender's, or gone this instant.
			if _, err := os.Stat(path); err == nil {
				return false, nil
			}
		}
	}
}

func TestCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	if err := Create(path, Content(), 0o640, true); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("content %q, %v", b, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", fi.Mode())
	}
	if err := Create(path, []byte("other\n"), 0o640, false); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second Create: %v, want os.ErrExist", err)
	}
	if b2, _ := os.ReadFile(path); !bytes.Equal(b, b2) {
		t.Errorf("second Create changed the lock: %q", b2)
	}
	if err := Create(filepath.Join(path, "sub"), nil, 0o600, false); err == nil || !strings.Contains(err.Error(), "create lock ") {
		t.Errorf("Create below a file: %v", err)
	}
}

func TestPIDAndAlive(t *testing.T) {
	for in, want := range map[string]string{"": "", "12\n": "12", " 34 \nappend-from 5\n": "34", "56": "56"} {
		if got := PID([]byte(in)); got != want {
			t.Errorf("PID(%q) = %q, want %q", in, got, want)
		}
	}
	if !Alive(os.Getpid()) || !Alive(1) {
		t.Error("this process or init counts as dead")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if Alive(cmd.Process.Pid) {
		t.Errorf("the exited child %d counts as alive", cmd.Process.Pid)
	}
}

func TestTakeOver(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	if _, took, err := TakeOver(path, isStale); took || err != nil {
		t.Fatalf("missing lock: took %v, %v", took, err)
	}
	os.WriteFile(path, []byte("live\n"), 0o600)
	if _, took, err := TakeOver(path, isStale); took || err != nil {
		t.Fatalf("live lock: took %v, %v", took, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "live\n" {
		t.Fatalf("the live lock changed: %q", b)
	}
	os.WriteFile(path, []byte(staleMark), 0o600)
	old, took, err := TakeOver(path, isStale)
	if !took || err != nil || string(old) != staleMark {
		t.Fatalf("stale lock: took %v, old %q, %v", took, old, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale lock is still there: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// TestTakeOverReplaced: a lock that is replaced between the look that
// judged it stale and its removal (its owner released it and another
// program made a new one) is left in place.
func TestTakeOverReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	os.WriteFile(path, []byte(staleMark), 0o600)
	_, took, err := TakeOver(path, func(content []byte, fi os.FileInfo) bool {
		// Judged stale; meanwhile the file is replaced by a live lock.
		os.Remove(path)
		os.WriteFile(path, []byte("new owner\n"), 0o600)
		return true
	})
	if took || err != nil {
		t.Fatalf("took %v, %v: removed a lock made after the look", took, err)
	}
	if b, err := os.ReadFile(path); string(b) != "new owner\n" {
		t.Fatalf("the new lock is %q, %v", b, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files: %v", ents)
	}
}

// TestRaceGoroutines: many goroutines find the same stale lock; exactly
// one gets the lock, every round.
func TestRaceGoroutines(t *testing.T) {
	dir := t.TempDir()
	const rounds, contenders = 200, 16
	for r := range rounds {
		path := filepath.Join(dir, fmt.Sprintf("r%d.lock", r))
		os.WriteFile(path, []byte(staleMark), 0o600)
		var wg sync.WaitGroup
		won := make([]bool, contenders)
		start := make(chan struct{})
		for i := range contenders {
			wg.Go(func() {
				<-start
				ok, err := race(path, []byte("owner "+strconv.Itoa(i)+"\n"))
				if err != nil {
					t.Error(err)
				}
				won[i] = ok
			})
		}
		close(start)
		wg.Wait()
		var winners []int
		for i, w := range won {
			if w {
				winners = append(winners, i)
			}
		}
		if len(winners) != 1 {
			t.Fatalf("round %d: %d winners %v", r, len(winners), winners)
		}
		if b, _ := os.ReadFile(path); string(b) != "owner "+strconv.Itoa(winners[0])+"\n" {
			t.Fatalf("round %d: the lock holds %q, the winner is %d", r, b, winners[0])
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, ".*")); len(files) > 0 {
		t.Errorf("left behind: %v", files)
	}
}

// TestRaceProcesses: processes (this test binary, re-run) find the same
// stale lock at the same moment; exactly one gets it.
func TestRaceProcesses(t *testing.T) {
	if path := os.Getenv("PIDLOCK_RACE"); path != "" {
		// A contender: wait for the start signal, race, say the result.
		for {
			if _, err := os.Stat(path + ".go"); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		ok, err := race(path, Content())
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Println(map[bool]string{true: "won", false: "lost"}[ok])
		os.Exit(0)
	}
	dir := t.TempDir()
	const rounds, contenders = 5, 6
	for r := range rounds {
		path := filepath.Join(dir, fmt.Sprintf("r%d.lock", r))
		os.WriteFile(path, []byte(staleMark), 0o600)
		var cmds []*exec.Cmd
		var outs []*bytes.Buffer
		for range contenders {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRaceProcesses$")
			cmd.Env = append(os.Environ(), "PIDLOCK_RACE="+path)
			out := new(bytes.Buffer)
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		os.WriteFile(path+".go", nil, 0o600)
		winners := 0
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("contender: %v\n%s", err, outs[i])
			}
			switch strings.TrimSpace(outs[i].String()) {
			case "won":
				winners++
			case "lost":
			default:
				t.Fatalf("contender said %q", outs[i])
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d winners", r, winners)
		}
	}
}
