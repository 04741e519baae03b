package testservers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/testnet"
)

// Kind names a server program.
type Kind string

const (
	Cyrus   Kind = "cyrus"   // Cyrus IMAP 3.6 (Debian cyrus-imapd)
	Courier Kind = "courier" // Courier-IMAP 5 (Debian courier-imap)
)

// User is an account of a server.
type User struct{ Name, Password string }

// DefaultUsers is the one account a server has unless Options name
// others.
var DefaultUsers = []User{{Name: "joe", Password: "secret"}}

// Options adjust a server; the zero value is Debian's configuration
// with DefaultUsers.
type Options struct {
	Users []User
	// KeepEightBit turns Cyrus's munge8bit off: by default Cyrus
	// replaces raw 8-bit bytes in headers by 'X' on APPEND. Courier
	// ignores it.
	KeepEightBit bool
}

// MailAccount owns the mail files (both servers refuse root).
const MailAccount = "nobody"

// Server is one running private instance. Its exported fields are
// read-only.
type Server struct {
	Kind     Kind
	Dir      string // instance directory: configuration, logs, mail
	User     string // the primary user (Users[0])
	Password string // and password
	Users    []User
	Delim    byte   // '.', as LIST reports it
	Prefix   string // "INBOX."
	CAFile   string // PEM of the CA that signed the server certificate

	opt           Options
	port, tlsPort int
	caPEM         []byte
	cmd           *exec.Cmd
	initFD        int // pidfd of the namespace's init (-1: none)
	exited        chan struct{}
	stopOnce      sync.Once
	stopErr       error
}

// Addr is the plain listener "127.0.0.1:PORT"; it offers STARTTLS.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// TLSAddr is the implicit-TLS listener.
func (s *Server) TLSAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort)) }

// Done is closed when the instance has ended.
func (s *Server) Done() <-chan struct{} { return s.exited }

// TLSConfig trusts exactly the test CA.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.caPEM)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// owner is the uid/gid of MailAccount.
type owner struct{ uid, gid int }

func mailOwner() (owner, error) {
	u, err := user.Lookup(MailAccount)
	if err != nil {
		return owner{}, fmt.Errorf("mail account %s: %w", MailAccount, err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return owner{}, fmt.Errorf("mail account %s: %w", MailAccount, err)
	}
	return owner{uid, gid}, nil
}

const (
	readyTimeout = 20 * time.Second
	stopTimeout  = 10 * time.Second
	maxAttempts  = 5 // port collisions tolerated
)

// Launch starts a server of kind k in a new temporary directory, and
// returns once both ports greet (the TLS one after a handshake verified
// against the test CA). Stop ends it.
func Launch(ctx context.Context, k Kind, opt Options) (*Server, error) {
	if k != Cyrus && k != Courier {
		return nil, fmt.Errorf("unknown server kind %q", k)
	}
	users := opt.Users
	if len(users) == 0 {
		users = DefaultUsers
	}
	for _, u := range users {
		if !safeWord(u.Name) || !safeWord(u.Password) {
			return nil, fmt.Errorf("%s user %q: use letters, digits and ._- only", k, u.Name)
		}
	}
	root, err := TreeDir()
	if err != nil {
		return nil, err
	}
	if err := checkTree(root, k); err != nil {
		return nil, err
	}
	own, err := mailOwner()
	if err != nil {
		return nil, err
	}
	p, err := testnet.ProcessPKI()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mailsync-"+string(k)+"-")
	if err != nil {
		return nil, fmt.Errorf("%s instance directory: %w", k, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Kind: k, Dir: dir, User: users[0].Name, Password: users[0].Password,
		Users: users, opt: opt, Delim: '.', Prefix: "INBOX.", CAFile: filepath.Join(dir, "ca.pem"), caPEM: p.CAPEM}
	if err := s.launch(ctx, root, p, own); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func safeWord(w string) bool {
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r)) {
			return false
		}
	}
	return w != ""
}

func (s *Server) launch(ctx context.Context, root string, p testnet.PKI, own owner) error {
	if err := p.Write(s.CAFile, filepath.Join(s.Dir, "cert.pem"), filepath.Join(s.Dir, "key.pem")); err != nil {
		return err
	}
	var prepare func(owner) error
	switch s.Kind {
	case Cyrus:
		prepare = s.prepareCyrus
	case Courier:
		prepare = s.prepareCourier
	}
	for attempt := 1; ; attempt++ {
		ports, err := testnet.FreePorts(2)
		if err != nil {
			return err
		}
		s.port, s.tlsPort = ports[0], ports[1]
		if err := prepare(own); err != nil {
			return err
		}
		err = s.start(ctx, root)
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

// start runs DIR/run.sh (written by prepare) as the init of new mount and
// pid namespaces, with ROOT (the unpacked tree), DIR, PORT and TLSPORT in
// its environment, and waits until the server is ready.
func (s *Server) start(ctx context.Context, root string) error {
	logf := filepath.Join(s.Dir, "start.log")
	out, err := os.OpenFile(logf, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", logf, err)
	}
	defer out.Close()
	cmd := exec.Command("unshare", "--mount", "--pid", "--fork", "--kill-child",
		"--propagation", "private", "/bin/sh", "-e", filepath.Join(s.Dir, "run.sh"))
	cmd.Dir = s.Dir
	cmd.Env = []string{
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"ROOT=" + root, "DIR=" + s.Dir,
		"PORT=" + strconv.Itoa(s.port), "TLSPORT=" + strconv.Itoa(s.tlsPort),
	}
	cmd.Stdout, cmd.Stderr = out, out
	// The kernel kills unshare if the launching thread dies; --kill-child
	// then kills the namespace's init, and with it every process in it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: unshare: %w", s.Kind, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	s.initFD = -1
	if err := s.waitReady(ctx); err != nil {
		_ = cmd.Process.Kill()
		<-s.exited
		return err
	}
	fd, err := openInit(cmd.Process.Pid)
	if err != nil {
		_ = cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("%s in %s: %w", s.Kind, s.Dir, err)
	}
	s.initFD = fd
	return nil
}

// waitReady polls both ports until they greet like s.Kind, or the
// instance exits.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	plainOK, tlsOK := false, false
	var last error
	for {
		if !plainOK {
			plainOK, last = s.greets(s.Addr(), nil)
		}
		if plainOK && !tlsOK {
			tlsOK, last = s.greets(s.TLSAddr(), s.TLSConfig())
		}
		if plainOK && tlsOK {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s in %s not ready: %w (last: %v)\n%s", s.Kind, s.Dir, ctx.Err(), last, s.logTail())
		case <-s.exited:
			msg := s.logTail()
			err := fmt.Errorf("%s in %s exited during startup: %v\n%s", s.Kind, s.Dir, s.cmd.ProcessState, msg)
			if strings.Contains(msg, "in use") {
				return fmt.Errorf("%w: %w", errPortInUse, err)
			}
			return err
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// greetings are what each kind's greeting contains.
var greetings = map[Kind]string{Cyrus: "Cyrus IMAP", Courier: "Courier-IMAP"}

func (s *Server) greets(addr string, cfg *tls.Config) (bool, error) {
	line, err := testnet.Greeting(addr, cfg)
	if err != nil {
		return false, err
	}
	if !strings.HasPrefix(line, "* OK") || !strings.Contains(line, greetings[s.Kind]) {
		return false, fmt.Errorf("%s greeted %q, not like %s", addr, line, s.Kind)
	}
	return true, nil
}

// logTail is the end of the instance's log files, for errors.
func (s *Server) logTail() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(s.Dir, "*.log"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil && len(data) > 0 {
			if len(data) > 3000 {
				data = data[len(data)-3000:]
			}
			fmt.Fprintf(&b, "--- %s:\n%s\n", f, strings.TrimSpace(string(data)))
		}
	}
	return b.String()
}

// Stop kills the instance (every process of its pid namespace), waits for
// both ports to close and removes its directory. It is safe to call more
// than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	var errs []error
	// os.Process never signals a reaped (possibly reused) pid.
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, fmt.Errorf("stop %s: kill unshare %d: %w", s.Kind, s.cmd.Process.Pid, err))
	}
	<-s.exited
	// The namespace's init exits only after every process in it.
	if err := waitInit(s.initFD, stopTimeout); err != nil {
		errs = append(errs, fmt.Errorf("stop %s: %w", s.Kind, err))
	}
	if err := testnet.WaitClosed([]string{s.Addr(), s.TLSAddr()}, stopTimeout, string(s.Kind)); err != nil {
		errs = append(errs, err)
	} else {
		testnet.ReleasePorts([]int{s.port, s.tlsPort})
	}
	if err := os.RemoveAll(s.Dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
