package testnet

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// Ports handed to servers of this process that are still in use, so two
// servers starting at once never pick the same one.
var (
	portsMu   sync.Mutex
	portsUsed = map[int]bool{}
)

// FreePorts asks the kernel for n free loopback ports. Another process may
// take one before the server binds it: the caller retries.
func FreePorts(n int) ([]int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	var ports []int
	var held []net.Listener
	defer func() {
		for _, ln := range held {
			ln.Close()
		}
	}()
	for len(ports) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		held = append(held, ln)
		p := ln.Addr().(*net.TCPAddr).Port
		if portsUsed[p] {
			continue
		}
		portsUsed[p] = true
		ports = append(ports, p)
	}
	return ports, nil
}

// ReleasePorts gives ports back once their server has stopped.
func ReleasePorts(ports []int) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for _, p := range ports {
		delete(portsUsed, p)
	}
}

// WaitClosed waits until every address in addrs refuses connections (a
// server's processes close their listeners just after it was told to
// stop), at most timeout in all; who names the server in the error.
func WaitClosed(addrs []string, timeout time.Duration, who string) error {
	deadline := time.Now().Add(timeout)
	for _, addr := range addrs {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				return fmt.Errorf("%s still accepts connections after %s stopped", addr, who)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}
