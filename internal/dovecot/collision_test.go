package dovecot

import (
	"net"
	"testing"

	"github.com/mailsync/mailsync/internal/testnet"
)

// A port taken between choosing it and Dovecot binding it makes Launch
// retry with other ports.
func TestLaunchRetriesOnPortCollision(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port

	calls := 0
	pickPorts = func(n int) ([]int, error) {
		calls++
		ports, err := testnet.FreePorts(n)
		if err == nil && calls == 1 {
			testnet.ReleasePorts(ports[1:2])
			ports[1] = taken // the IMAPS port collides
		}
		return ports, err
	}
	defer func() { pickPorts = testnet.FreePorts }()

	s := Start(t, Options{})
	if calls != 2 {
		t.Errorf("ports were picked %d times, want 2", calls)
	}
	if s.TLSPort() == taken || s.Port() == taken {
		t.Errorf("server uses the taken port %d", taken)
	}
	c := clientFor(t, s, s.User, s.Password)
	c.Logout().Wait()
}
