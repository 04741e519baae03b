package dovecot

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/testnet"
)

// Server is one running private Dovecot instance. Its exported fields
// are read-only.
type Server struct {
	Dir      string // instance directory: config, logs, certificates, homes
	Config   string // dovecot.conf; pass it to dovecot/doveadm with -c
	Log      string // Dovecot's log file
	CAFile   string // PEM of the test CA that signed the server certificate
	User     string // the primary user's name (Options.Users[0])
	Password string // and password
	Home     string // and home directory (mail is in Home/Maildir)
	Delim    byte   // the namespace separator, as LIST reports it
	Prefix   string // the namespace prefix: "" or "INBOX"+Delim

	opt      Options
	owner    mailOwner
	bin      binaries
	l        layout
	port     int
	tlsPort  int
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the master process has exited
	caPEM    []byte
	stopOnce sync.Once
	stopErr  error
}

// Addr is the plain IMAP listener, "127.0.0.1:PORT"; it offers STARTTLS.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// TLSAddr is the implicit-TLS (IMAPS) listener, "127.0.0.1:PORT".
func (s *Server) TLSAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort)) }

// Port and TLSPort are the port numbers of Addr and TLSAddr.
func (s *Server) Port() int    { return s.port }
func (s *Server) TLSPort() int { return s.tlsPort }

// PID is the Dovecot master's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Done is closed when the master process has exited, after Stop or
// unexpectedly.
func (s *Server) Done() <-chan struct{} { return s.exited }

// Options returns the options the server runs with, defaults filled in.
func (s *Server) Options() Options { return s.opt }

// TLSConfig returns a client configuration that trusts exactly the test CA.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.caPEM)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

const (
	readyTimeout = 20 * time.Second // a cold start on a loaded machine
	stopTimeout  = 10 * time.Second
	maxAttempts  = 5 // port collisions tolerated before giving up
)

// Launch starts a Dovecot instance in dir (created if missing) or, when dir
// is "", in a new temporary directory that Stop removes. It installs
// Dovecot first when it is missing and the process is root, and returns
// once both listeners greet (the TLS one after a verified handshake). The
// server is stopped by Stop, or at the latest (SIGTERM) when the thread
// that launched it exits.
func Launch(ctx context.Context, opt Options, dir string) (*Server, error) {
	opt, err := opt.normalize()
	if err != nil {
		return nil, err
	}
	bin, err := ensureInstalled(ctx)
	if err != nil {
		return nil, err
	}
	owner, err := mailAccountFor(ctx)
	if err != nil {
		return nil, err
	}
	p, err := testnet.ProcessPKI()
	if err != nil {
		return nil, err
	}
	l, err := makeDirs(dir, opt, owner)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Dir: l.dir, Config: l.config, Log: l.log, CAFile: l.caFile,
		User: opt.Users[0].Name, Password: opt.Users[0].Password,
		Home:  filepath.Join(l.homes, opt.Users[0].Name),
		Delim: opt.Delim, Prefix: opt.prefix(),
		opt: opt, owner: owner, bin: bin, l: l, caPEM: p.CAPEM,
	}
	if err := s.launch(ctx, p); err != nil {
		s.removeDirs()
		return nil, err
	}
	return s, nil
}

func (s *Server) launch(ctx context.Context, p testnet.PKI) error {
	if err := p.Write(s.l.caFile, s.l.certFile, s.l.keyFile); err != nil {
		return err
	}
	if err := writeUsers(s.l, s.opt.Users, s.owner); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(2)
		if err != nil {
			return err
		}
		s.port, s.tlsPort = ports[0], ports[1]
		if err := writeConfig(s.l, s.opt, s.owner, s.port, s.tlsPort); err != nil {
			return err
		}
		err = s.startMaster(ctx)
		if err == nil {
			return nil
		}
		testnet.ReleasePorts(ports)
		if !errors.Is(err, errPortInUse) || attempt == maxAttempts {
			return err
		}
	}
}

var errPortInUse = errors.New("port already in use")

// pickPorts is testnet.FreePorts; tests replace it to provoke a collision.
var pickPorts = testnet.FreePorts

// startMaster runs `dovecot -F -c CONFIG` with stdin from /dev/null and
// stdout/stderr to start.log, then waits until it is ready.
func (s *Server) startMaster(ctx context.Context) error {
	out, err := os.OpenFile(s.l.startLog, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.l.startLog, err)
	}
	defer out.Close() // the child has its own copy
	cmd := exec.Command(s.bin.dovecot, "-F", "-c", s.l.config)
	cmd.Dir = s.l.dir
	cmd.Env = processEnv()
	cmd.Stdout, cmd.Stderr = out, out
	// If the launching process dies without Stop, the master gets SIGTERM
	// and takes its children with it.
	cmd.SysProcAttr = masterProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin.dovecot, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		s.kill()
		return err
	}
	return nil
}

// processEnv is the environment of dovecot and doveadm: nothing of the
// caller's but PATH and TZ.
func processEnv() []string {
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return env
}

// waitReady polls until the plain port greets and the TLS port completes
// a verified handshake and greets, the master has written
// master.pid, or the master exits.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	plainOK, tlsOK := false, false
	var last error
	for {
		select {
		case <-s.exited:
			return s.exitError()
		default:
		}
		if !plainOK {
			plainOK, last = s.greets(s.Addr(), nil)
		}
		if plainOK && !tlsOK {
			tlsOK, last = s.greets(s.TLSAddr(), s.TLSConfig())
		}
		if plainOK && tlsOK {
			pid, err := s.masterPID()
			if err == nil && pid == s.cmd.Process.Pid {
				return nil
			}
			last = fmt.Errorf("master.pid: %d, %v (want %d)", pid, err, s.cmd.Process.Pid)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dovecot %s not ready: %w (last: %v)\n%s", s.l.instance, ctx.Err(), last, s.logTail())
		case <-s.exited:
			return s.exitError()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// greets dials addr (with TLS when cfg is set), and reports whether this
// instance greeted with "* OK". Its greeting names the instance, so a
// different server that happens to own the port is not mistaken for it.
func (s *Server) greets(addr string, cfg *tls.Config) (bool, error) {
	line, err := testnet.Greeting(addr, cfg)
	if err != nil {
		return false, err
	}
	if !strings.HasPrefix(line, "* OK") {
		return false, fmt.Errorf("%s greeted %q", addr, line)
	}
	if !strings.Contains(line, s.l.instance) {
		return false, fmt.Errorf("%s is another server: %q", addr, strings.TrimSpace(line))
	}
	return true, nil
}

func (s *Server) exitError() error {
	msg := s.logTail()
	err := fmt.Errorf("dovecot %s exited during startup: %v\n%s", s.l.instance, s.cmd.ProcessState, msg)
	if strings.Contains(msg, "Address already in use") {
		return fmt.Errorf("%w: %w", errPortInUse, err)
	}
	return err
}

// logTail is the end of start.log and of the Dovecot log, for errors.
func (s *Server) logTail() string {
	var b strings.Builder
	for _, f := range []string{s.l.startLog, s.l.log} {
		data, err := os.ReadFile(f)
		if err == nil && len(data) > 0 {
			fmt.Fprintf(&b, "--- %s:\n%s\n", f, tail(data, 3000))
		}
	}
	return b.String()
}

func (s *Server) masterPID() (int, error) {
	f := filepath.Join(s.l.baseDir, "master.pid")
	data, err := os.ReadFile(f)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", f, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", f, err)
	}
	return pid, nil
}

// kill ends a master that never became ready.
func (s *Server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Stop sends SIGTERM to the pid in BASE_DIR/master.pid, waits
// for the master to exit and for both ports to close, and removes the
// directory if Launch created it. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	var errs []error
	pid := s.cmd.Process.Pid
	if p, err := s.masterPID(); err != nil {
		errs = append(errs, err)
	} else if p != pid {
		errs = append(errs, fmt.Errorf("master.pid says %d, but the master is %d", p, pid))
	}
	// Signal our own child, which master.pid names, through os.Process,
	// which never signals a reaped (possibly reused) pid.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, fmt.Errorf("kill -TERM %d: %w", pid, err))
	}
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		errs = append(errs, fmt.Errorf("dovecot master %d ignored SIGTERM for %v; killed", pid, stopTimeout))
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	if err := testnet.WaitClosed([]string{s.Addr(), s.TLSAddr()}, stopTimeout, "dovecot"); err != nil {
		errs = append(errs, err)
	} else {
		testnet.ReleasePorts([]int{s.port, s.tlsPort})
	}
	s.removeDirs()
	return errors.Join(errs...)
}
