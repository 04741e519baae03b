package testservers

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// openInit returns a pidfd of the only child of unshare (pid): the init
// of the instance's pid namespace. A pidfd names that process even after
// its pid is reused.
func openInit(unshare int) (int, error) {
	p := strconv.Itoa(unshare)
	kids, err := os.ReadFile("/proc/" + p + "/task/" + p + "/children")
	if err != nil {
		return -1, fmt.Errorf("the namespace's init: %w", err)
	}
	f := strings.Fields(string(kids))
	if len(f) != 1 {
		return -1, fmt.Errorf("unshare %d has children %q, want one", unshare, f)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return -1, fmt.Errorf("the namespace's init: %w", err)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd of the namespace's init %d: %w", pid, err)
	}
	return fd, nil
}

// waitInit waits until the process of pidfd fd has exited (the kernel
// then has ended every process of its namespace) and closes fd.
func waitInit(fd int, timeout time.Duration) error {
	if fd < 0 {
		return nil
	}
	defer unix.Close(fd)
	deadline := time.Now().Add(timeout)
	for {
		ms := int(time.Until(deadline).Milliseconds())
		if ms <= 0 {
			return fmt.Errorf("the namespace's init is still running after %v", timeout)
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait for the namespace's init: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
}
