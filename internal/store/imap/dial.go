package imap

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

// Options configure a Store.
type Options struct {
	// Name is the server part as the configuration wrote it (errors).
	Name string
	// Passwd is the configured password; "" asks through Remote.
	Passwd string
	// Secret, when set, gives the password (or OAuth2 token) instead of
	// Passwd or a prompt (passcmd); like Passwd it is tried once.
	Secret func(ctx context.Context) (string, error)
	// AuthMech is the one mechanism to log in with (config.AuthMechs);
	// "" chooses as c-client does. doc/design/accounts.md.
	AuthMech string
	// Remote is the user interface (login notes, prompts, -di trace).
	Remote store.Remote
	// RootCAs verifies server certificates; nil means the system roots
	// (Go honours SSL_CERT_FILE and SSL_CERT_DIR).
	RootCAs *x509.CertPool
	// Timeout bounds connecting, the greeting, TLS and login; 0 means 30 s.
	// Later commands use go-imap's own response timeouts.
	Timeout time.Duration
	// StallTimeout: a command during which no byte moves for this long
	// fails and drops its connection; 0 means two minutes.
	StallTimeout time.Duration
	// CanonicalHost names the server in "Authorizing against {HOST/imap}";
	// nil looks the name up as c-client does (127.0.0.1 → localhost).
	CanonicalHost func(ctx context.Context, host string) string
	// CacheDir is the directory of the folders' header caches (package
	// hdrcache); "" keeps none.
	CacheDir string
	// ListStatus asks LIST for every folder's signature items too, on a
	// server with LIST-STATUS and CONDSTORE (signature.go).
	ListStatus bool
}

// stall is how long a command may make no progress: StallTimeout, else
// $MAILSYNC_TEST_STALL (a duration: the command-level tests' seam), else
// two minutes.
func (o *Options) stall() time.Duration {
	if o.StallTimeout > 0 {
		return o.StallTimeout
	}
	if d, err := time.ParseDuration(os.Getenv("MAILSYNC_TEST_STALL")); err == nil && d > 0 {
		return d
	}
	return 2 * time.Minute
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 30 * time.Second
}

// session is one logged-in connection.
type session struct {
	c      *imapclient.Client
	secure bool // the link is encrypted
	conn   *prefixConn
	// literals is the connection go-imap writes to (literalplus.go).
	literals *literalPlusConn
	// stall is how long a command may make no progress before the
	// connection is given up (a hung server must not hang cron).
	stall time.Duration
	// owner is the Store the session belongs to (nil while dialling):
	// the watchdog gives it up with the session.
	owner *Store
	// selected is the folder a closed Mailbox left selected on the
	// connection ("" for none): the next SELECT or EXAMINE closes it
	// without expunging (Mailbox.Close).
	selected string
	// inFlight is the listed size of the lent mailboxes whose answers
	// the connection still carries (detach.go); take prefers the one
	// that carries least.
	inFlight atomic.Int64
	// selector is the mailbox whose SELECT was the last sent on the
	// connection (nil: another command's, or none): while it is, that
	// mailbox's folder is still selected and nothing of another folder
	// was sent behind its commands (Mailbox.own). tail is the last lent
	// listing sent on it (detach.go, lentRead.finish).
	selector *Mailbox
	tail     *lentRead
	// cut is set when a context bound to the connection ends
	// (bindContext): its closing is under way, so the connection is no
	// longer alive, even before the close completes. bound are the
	// contexts bound and not undone: one that ended cuts the connection
	// even before the closing starts.
	cut     atomic.Bool
	boundMu sync.Mutex
	bound   map[*int]context.Context
	// quickest bounds the link's round trip from above: the shortest
	// time an exchange on the connection took (near.go, quicker).
	quickest time.Duration
}

// sendSelect sends the SELECT (EXAMINE for ReadOnly) of folder name for
// mailbox by (nil when it has none yet). A SELECT leaves the folder
// selected before, whether it fails or not.
func (sess *session) sendSelect(name string, mode store.Mode, by *Mailbox) *imapclient.SelectCommand {
	sess.selected, sess.selector = "", by
	return sess.c.Select(wire(name), &goimap.SelectOptions{ReadOnly: mode == store.ReadOnly})
}

// alive reports whether the connection is still open.
func (s *session) alive() bool {
	if s.cut.Load() || s.boundEnded() {
		return false
	}
	select {
	case <-s.c.Closed():
		return false
	default:
		return true
	}
}

// boundEnded reports whether a context bound to the connection ended.
func (s *session) boundEnded() bool {
	s.boundMu.Lock()
	defer s.boundMu.Unlock()
	for _, ctx := range s.bound {
		if ctx.Err() != nil {
			return true
		}
	}
	return false
}

// lost is the error of an operation on a connection that is gone.
// Once the store is given up it wraps store.ErrStoreUnavailable.
func (s *session) lost() error {
	if s.owner != nil {
		if err := s.owner.unavailable(); err != nil {
			return err
		}
	}
	if s.conn != nil && s.conn.stalled.Load() {
		return &unavailableError{stall: s.stall}
	}
	return errors.New("the connection to the server was lost")
}

// connect dials the server and negotiates TLS as the flags say (doc/design/decisions.md#d11-tls).
func connect(ctx context.Context, srv Server, opt *Options, trace *maskingWriter) (*session, error) {
	tctx, cancel := context.WithTimeout(ctx, opt.timeout())
	defer cancel()
	sess, err := negotiate(tctx, srv, opt, trace)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w after %v", os.ErrDeadlineExceeded, opt.timeout())
	}
	return sess, err
}

// negotiate connects, reads the greeting and sets up TLS within ctx.
// trace, when set, gets the dialogue from the connection (traceconn.go).
func negotiate(ctx context.Context, srv Server, opt *Options, trace *maskingWriter) (*session, error) {
	d := net.Dialer{}
	dialled := time.Now()
	raw, err := d.DialContext(ctx, "tcp", srv.Address())
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	tlsCfg := &tls.Config{
		ServerName:         srv.Host,
		MinVersion:         tls.VersionTLS12,
		RootCAs:            opt.RootCAs,
		InsecureSkipVerify: srv.NoValidate,
		NextProtos:         []string{"imap"},
	}
	conn := raw
	secure := false
	if srv.SSL {
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, handshakeError(srv.Host, err, opt.RootCAs)
		}
		conn, secure = tc, true
	}
	greeting, pc, err := readGreeting(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	greeted := greetingRoundTrip(time.Since(dialled))
	pc.trace = newConnTrace(trace)
	caps, known := greetingCaps(greeting)
	wantTLS := !secure && !srv.NoTLS && (srv.TLS || !known || caps[strings.ToUpper(string(goimap.CapStartTLS))])
	if srv.TLS && known && !caps["STARTTLS"] {
		conn.Close()
		return nil, wording("Unable to negotiate TLS with this server")
	}
	cliOpt := &imapclient.Options{TLSConfig: tlsCfg}
	stall := opt.stall()
	if !wantTLS {
		lp := newLiteralPlusConn(pc)
		return &session{c: imapclient.New(lp, cliOpt), secure: secure, conn: pc, literals: lp, stall: stall, quickest: greeted}, nil
	}
	tc, err := startTLS(ctx, pc, greeting, tlsCfg, trace)
	if err != nil && !errors.As(err, new(*startTLSRefused)) {
		err = handshakeError(srv.Host, err, opt.RootCAs)
	}
	if err == nil {
		lp := newLiteralPlusConn(tc)
		return &session{c: imapclient.New(lp, cliOpt), secure: true, conn: tc, literals: lp, stall: stall, quickest: greeted}, nil
	}
	conn.Close()
	var refused *startTLSRefused
	if errors.As(err, &refused) && !srv.TLS && !known {
		// The server refused STARTTLS it never announced: go on in clear
		// over a new connection, as c-client does without /tls.
		noTLS := srv
		noTLS.NoTLS = true
		return negotiate(ctx, noTLS, opt, trace)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, err
}

// readGreeting reads the server's first line and returns it with a
// connection that replays it to go-imap.
func readGreeting(ctx context.Context, conn net.Conn) (string, *prefixConn, error) {
	if dl, ok := ctx.Deadline(); ok {
		conn.SetReadDeadline(dl)
		defer conn.SetReadDeadline(time.Time{})
	}
	br := bufio.NewReader(conn)
	var b []byte
	for i := 1; ; i++ {
		// Peek(i) waits until i bytes arrived; the greeting ends at LF.
		var err error
		if b, err = br.Peek(i); err != nil {
			return "", nil, fmt.Errorf("read greeting: %w", err)
		}
		if b[i-1] == '\n' {
			break
		}
	}
	greeting := strings.TrimRight(string(b), "\r\n")
	if strings.HasPrefix(strings.ToUpper(greeting), "* BYE") {
		return "", nil, fmt.Errorf("server said goodbye: %s", strings.TrimSpace(greeting[5:]))
	}
	return greeting, &prefixConn{Conn: conn, r: br}, nil
}

// greetingCaps returns the capabilities a greeting announces in a
// [CAPABILITY ...] response code.
func greetingCaps(greeting string) (map[string]bool, bool) {
	up := strings.ToUpper(greeting)
	i := strings.Index(up, "[CAPABILITY ")
	if i < 0 {
		return nil, false
	}
	rest := up[i+len("[CAPABILITY "):]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return nil, false
	}
	caps := map[string]bool{}
	for _, c := range strings.Fields(rest[:end]) {
		caps[c] = true
	}
	return caps, true
}
