package testnet

import (
	"fmt"
	"net"
	"sync"
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
