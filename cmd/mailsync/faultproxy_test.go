package main

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFaultProxy is the script command "faultproxy UPSTREAM_PORT DIR
// PATTERN [N [stall]]": a TCP proxy on a loopback port ($PROXYPORT) in
// front of 127.0.0.1:UPSTREAM_PORT that cuts a connection N bytes
// (default 20) after PATTERN first passes in direction DIR ("c2s" client
// to server, "s2c" server to client): the connection breaks mid-command,
// as when a server dies or a network drops. With "stall" it stops
// forwarding instead and holds the connection open (a hung server).
// Connections without the pattern pass.
func cmdFaultProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || (args[1] != "c2s" && args[1] != "s2c") {
		ts.Fatalf("usage: faultproxy UPSTREAM_PORT c2s|s2c PATTERN [N]")
	}
	upstream := net.JoinHostPort("127.0.0.1", args[0])
	after := 20
	if len(args) > 3 {
		n, err := strconv.Atoi(args[3])
		ts.Check(err)
		after = n
	}
	stall := len(args) > 4 && args[4] == "stall"
	stop := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				proxyConn(c, upstream, args[1] == "c2s", []byte(args[2]), after, stall, stop)
			}()
		}
	}()
	ts.Defer(func() {
		close(stop)
		ln.Close()
		wg.Wait()
	})
	ts.Setenv("PROXYPORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

// proxyConn relays one connection and cuts it as cmdFaultProxy says.
func proxyConn(client net.Conn, upstream string, c2s bool, pattern []byte, after int, stall bool, stop <-chan struct{}) {
	server, err := net.Dial("tcp", upstream)
	if err != nil {
		client.Close()
		return
	}
	cut := func() {
		client.Close()
		server.Close()
	}
	watched, other := io.Reader(client), io.Reader(server)
	wdst, odst := io.Writer(server), io.Writer(client)
	if !c2s {
		watched, other, wdst, odst = server, client, client, server
	}
	go func() {
		io.Copy(odst, other)
		cut()
	}()
	defer cut()
	var seen []byte
	buf := make([]byte, 4096)
	left := -1 // bytes still to pass once the pattern was seen
	for {
		n, err := watched.Read(buf)
		chunk := buf[:n]
		if left < 0 {
			seen = append(seen, chunk...)
			if i := bytes.Index(seen, pattern); i >= 0 {
				left = len(chunk) - (len(seen) - (i + len(pattern))) + after
				seen = nil
			} else if len(seen) > len(pattern) {
				seen = seen[len(seen)-len(pattern):]
			}
		}
		if left >= 0 {
			if left < len(chunk) {
				wdst.Write(chunk[:left])
				if stall {
					<-stop
				}
				return
			}
			left -= len(chunk)
		}
		if _, werr := wdst.Write(chunk); werr != nil || err != nil {
			return
		}
	}
}
