package difftest

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
)

// This file is the IMAP side of the harness: every IMAP scenario has an
// imapExt (Scenario.Ext) that gives each side its own Dovecot account,
// loaded with identical mail, and snapshots the account after each step.
//
// Sides are told apart by the user name only: 5.2.7 logs in as o-NAME,
// the clone as c-NAME (NAME = scenario name), both with the password
// imapPassword, on one shared server per namespace style. The user name
// is visible in some of mailsync's lines (the server part of "Can't
// contact server {…/user=NAME}" and of -D's deleting block), so
// Normalize rewrites 5.2.7's o-NAME to c-NAME before comparing; nothing
// else differs between the sides. A scenario that fails logins gets a
// server of its own per side instead (private): Dovecot delays every
// login from 127.0.0.1 for seconds after a failed one (auth penalty), so
// failures must not share a server with the other scenarios; then the
// ports differ too and are rewritten the same way.

// nsStyle is the namespace layout of a shared Dovecot server.
type nsStyle int

const (
	nsSlash nsStyle = iota // separator '/', no prefix
	nsDot                  // separator '.', every folder below "INBOX." (Cyrus style)
	// nsCourier: separator '.', no prefix: INBOX, INBOX.x and top-level
	// folders (doc/design/behaviour.md#listing).
	nsCourier
)

const imapPassword = "secret"

// authLine is the login note of both programs (doc/design/decisions.md#d15-login-lines).
const authLine = "Authorizing against {localhost/imap}\n"

var (
	imapMu     sync.Mutex
	imapUsers  = map[nsStyle][]dovecot.User{} // accounts of the shared servers, filled by newIMAP in init
	imapLoaded = map[string]bool{}            // server directory + NUL + user: accounts Setup has filled
)

// options are the shared server's options for a style (every account
// registered so far: all of them, once the tests run).
func (n nsStyle) options() dovecot.Options {
	imapMu.Lock()
	defer imapMu.Unlock()
	o := dovecot.Options{Users: append([]dovecot.User(nil), imapUsers[n]...)}
	switch n {
	case nsDot:
		o.Delim, o.InboxPrefix = '.', true
	case nsCourier:
		o.Delim = '.'
	}
	return o
}

// IM is a message on the server: M's text and Maildir flag letters
// (S seen, R answered, F flagged, D draft, T deleted).
type IM struct {
	M
	Flags string
}

// imapFolder is the initial content of one server folder (IMAP name).
type imapFolder struct {
	Name string
	Msgs []IM
}

// folder builds an imapFolder.
func folder(name string, msgs ...IM) imapFolder { return imapFolder{Name: name, Msgs: msgs} }

// im is msg(s) on the server with the given flags.
func im(s, flags string) IM { return IM{M: msg(s), Flags: flags} }

// imapExt is the IMAP state of one scenario.
type imapExt struct {
	name    string
	style   nsStyle
	private bool   // a server of its own per side (login failures)
	noSnap  bool   // Snap records logins only (see privateIMAP)
	msinfo  string // the folder holding an IMAP msinfo, "" if none
	folders []imapFolder

	mu       sync.Mutex // guards the maps (sides may run concurrently)
	srv      map[string]*dovecot.Server
	deadPort int
	prev     map[string]int // login count at the side's second-to-last snapshot
	cur      map[string]int // and at its last one
}

// server returns the side's server (nil before Setup).
func (e *imapExt) server(side string) *dovecot.Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.srv[side]
}

// newIMAP registers the accounts of a scenario (call from init).
func newIMAP(name string, style nsStyle, folders ...imapFolder) *imapExt {
	e := &imapExt{name: name, style: style, folders: folders,
		srv: map[string]*dovecot.Server{}, prev: map[string]int{}, cur: map[string]int{}}
	imapMu.Lock()
	defer imapMu.Unlock()
	for _, side := range []string{sideOrig, sideOurs} {
		imapUsers[style] = append(imapUsers[style], dovecot.User{Name: e.user(side), Password: imapPassword})
	}
	return e
}

// privateIMAP is newIMAP with a server of its own per side, for a
// scenario whose logins fail. Its accounts are not snapshot: they cannot
// change without a login, and the harness's own login would wait out
// Dovecot's auth penalty (2-15 s) after every failed step.
func privateIMAP(name string, folders ...imapFolder) *imapExt {
	return &imapExt{name: name, private: true, noSnap: true, folders: folders,
		srv: map[string]*dovecot.Server{}, prev: map[string]int{}, cur: map[string]int{}}
}

// withMsinfo names the folder that holds an IMAP msinfo.
func (e *imapExt) withMsinfo(folder string) *imapExt {
	e.msinfo = folder
	return e
}

// user is the side's account name.
func (e *imapExt) user(side string) string {
	if side == sideOrig {
		return "o-" + e.name
	}
	return "c-" + e.name
}

// Setup gives the side a fresh account with the scenario's folders and
// returns the configuration placeholders:
//
//	@SRV@  {127.0.0.1:PORT/notls/norsh/user=U}           plain IMAP
//	@SSL@  {127.0.0.1:TLSPORT/ssl/novalidate-cert/user=U} implicit TLS
//	@CERT@ {127.0.0.1:TLSPORT/ssl/user=U}                 TLS, certificate checked
//	@TLS@  {127.0.0.1:PORT/norsh/novalidate-cert/user=U}  STARTTLS
//	@TLSV@ {127.0.0.1:PORT/norsh/user=U}                  STARTTLS, certificate checked
//	@DEAD@ {127.0.0.1:DEADPORT/notls/norsh/user=U}        nobody listens
//	@PW@   the password
//	@PORT@, @TLSPORT@, @USER@ the plain and TLS ports, the user name
func (e *imapExt) Setup(t *testing.T, side string) ([]string, error) {
	user := e.user(side)
	var srv *dovecot.Server
	if e.private {
		srv = dovecot.Start(t, dovecot.Options{Users: []dovecot.User{{Name: user, Password: imapPassword}}})
	} else {
		srv = dovecot.Shared(t, e.style.options())
	}
	e.mu.Lock()
	e.srv[side] = srv
	e.mu.Unlock()
	if srv.Account(user) == nil {
		return nil, fmt.Errorf("account %s is not on the shared server (newIMAP must run in init)", user)
	}
	if e.deadPort == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		e.deadPort = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// An account loaded before by this process (go test -count=2 on the
	// same shared server) is emptied first.
	key := srv.Dir + "\x00" + user
	imapMu.Lock()
	used := imapLoaded[key]
	imapLoaded[key] = true
	imapMu.Unlock()
	if used {
		if err := e.wipe(ctx, side); err != nil {
			return nil, err
		}
	}
	if err := e.load(ctx, side); err != nil {
		return nil, err
	}
	n := e.logins(side)
	e.mu.Lock()
	e.cur[side] = n
	e.mu.Unlock()
	return []string{
		"@SRV@", fmt.Sprintf("{127.0.0.1:%d/notls/norsh/user=%s}", srv.Port(), user),
		"@SSL@", fmt.Sprintf("{127.0.0.1:%d/ssl/novalidate-cert/user=%s}", srv.TLSPort(), user),
		"@CERT@", fmt.Sprintf("{127.0.0.1:%d/ssl/user=%s}", srv.TLSPort(), user),
		"@TLS@", fmt.Sprintf("{127.0.0.1:%d/norsh/novalidate-cert/user=%s}", srv.Port(), user),
		"@TLSV@", fmt.Sprintf("{127.0.0.1:%d/norsh/user=%s}", srv.Port(), user),
		"@DEAD@", fmt.Sprintf("{127.0.0.1:%d/notls/norsh/user=%s}", e.deadPort, user),
		"@PW@", imapPassword,
		"@PORT@", strconv.Itoa(srv.Port()),
		"@TLSPORT@", strconv.Itoa(srv.TLSPort()),
		"@USER@", user,
	}, nil
}

// load puts the scenario's folders into the side's account.
func (e *imapExt) load(ctx context.Context, side string) error {
	acct := e.server(side).Account(e.user(side))
	for _, f := range e.folders {
		if err := acct.LoadMessages(ctx, f.Name, dmsgs(f.Msgs)); err != nil {
			return fmt.Errorf("load %s for %s: %w", f.Name, e.user(side), err)
		}
	}
	return nil
}

// dmsgs renders messages for LoadMessages (internal date fixedTime).
func dmsgs(msgs []IM) []dovecot.Message {
	var out []dovecot.Message
	for _, m := range msgs {
		out = append(out, dovecot.Message{Raw: []byte(m.text()), Flags: m.Flags, Time: fixedTime})
	}
	return out
}

// Snap adds the side's account to the snapshot: Folders (name and
// attributes) and a box "{imap}NAME" per selectable folder; the msinfo
// folder's messages also as msinfo entries, without internal dates.
func (e *imapExt) Snap(side string, s *Snapshot) error {
	defer func() {
		n := e.logins(side)
		e.mu.Lock()
		e.prev[side], e.cur[side] = e.cur[side], n
		e.mu.Unlock()
	}()
	if e.noSnap {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := e.dial(ctx, side)
	if err != nil {
		return err
	}
	defer c.close()
	folders, err := c.folders()
	if err != nil {
		return err
	}
	for _, f := range folders {
		s.Folders = append(s.Folders, f.line())
		if !f.selectable() {
			continue
		}
		msgs, err := c.messages(f.name)
		if err != nil {
			return err
		}
		key := "{imap}" + f.name
		if f.name == e.msinfo {
			for i := range msgs {
				msgs[i].Date = ""
			}
			s.Msinfo[key] = msinfoEntries(msgs)
		}
		s.Boxes[key] = &Box{Msgs: msgs}
	}
	return nil
}

// Normalize rewrites 5.2.7's side-specific names and checks the login
// lines (doc/design/decisions.md#d15-login-lines).
//
// Login lines (doc/design/decisions.md#d15-login-lines): 5.2.7 prints a varying
// number of "Authorizing against" lines; the clone prints exactly one per
// login of a store's first connection, and the further connections of its
// pool log in silently. The lines are taken out of both outputs (wherever
// they are: a login can follow "BOX: " on the same line); the clone must
// print them exactly when 5.2.7 does, and the server must have logged at
// least as many login attempts of the clone's account during the step, and
// no more than the pools' further connections add.
func (e *imapExt) Normalize(want, got *Result, dev bool) error {
	repl := []string{"user=" + e.user(sideOrig), "user=" + e.user(sideOurs),
		`user="` + e.user(sideOrig) + `"`, `user="` + e.user(sideOurs) + `"`}
	if o, n := e.server(sideOrig), e.server(sideOurs); o != nil && n != nil && o != n {
		repl = append(repl,
			":"+strconv.Itoa(o.Port())+"/", ":"+strconv.Itoa(n.Port())+"/",
			":"+strconv.Itoa(o.TLSPort())+"/", ":"+strconv.Itoa(n.TLSPort())+"/")
	}
	r := strings.NewReplacer(repl...)
	want.Stdout, want.Stderr = r.Replace(want.Stdout), r.Replace(want.Stderr)
	for k, v := range want.Snap.Files {
		want.Snap.Files[k] = r.Replace(v)
	}
	// \Marked and \Unmarked in -d item lines are Dovecot's view of new
	// mail at the moment of the LIST, which differs between two accounts
	// by when each was last selected: they are not compared.
	want.Stdout, got.Stdout = unmarked(want.Stdout), unmarked(got.Stdout)
	wantN, gotN := strings.Count(want.Stdout, authLine), strings.Count(got.Stdout, authLine)
	want.Stdout = strings.ReplaceAll(want.Stdout, authLine, "")
	got.Stdout = strings.ReplaceAll(got.Stdout, authLine, "")
	if !dev {
		return nil
	}
	if (wantN > 0) != (gotN > 0) {
		return fmt.Errorf("D15: 5.2.7 printed %d %q lines, the clone %d", wantN, strings.TrimSpace(authLine), gotN)
	}
	logins := e.loginsSince(sideOurs, gotN)
	if logins < gotN || logins > gotN+maxFurtherLogins {
		return fmt.Errorf("D15: the clone printed %d %q lines but made %d login attempts", gotN, strings.TrimSpace(authLine), logins)
	}
	return nil
}

// maxFurtherLogins bounds the silent logins of a step: the further
// connections of at most two IMAP stores' pools (three each by default).
const maxFurtherLogins = 2 * 3

// markRe matches the \Marked and \Unmarked attributes at the end of a
// server's -d item line.
var markRe = regexp.MustCompile(`(?m)^(  \{.*?)(, marked|, unmarked)$`)

// unmarked drops \Marked and \Unmarked from a server's -d item lines.
func unmarked(s string) string { return markRe.ReplaceAllString(s, "$1") }

var (
	loginRe  = regexp.MustCompile(`imap-login: Info: Login: user=<([^>]*)>, method=([A-Z0-9-]+)`)
	failedRe = regexp.MustCompile(`\(auth failed, (\d+) attempts[^)]*\): user=<([^>]*)>, method=([A-Z0-9-]+)`)
)

// logins counts the login attempts the server logged for the side's
// account, except the harness's own (AUTHENTICATE LOGIN).
func (e *imapExt) logins(side string) int {
	srv := e.server(side)
	if srv == nil {
		return 0
	}
	data, err := os.ReadFile(srv.Log)
	if err != nil {
		return -1
	}
	user := e.user(side)
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		if m := loginRe.FindStringSubmatch(l); m != nil && m[1] == user && m[2] != "LOGIN" {
			n++
		}
		if m := failedRe.FindStringSubmatch(l); m != nil && m[2] == user && m[3] != "LOGIN" {
			k, _ := strconv.Atoi(m[1])
			n += k
		}
	}
	return n
}

// loginsSince is the number of login attempts of the side's account
// between its last two snapshots, waiting a little for the server's log
// to catch up when fewer than want are there.
func (e *imapExt) loginsSince(side string, want int) int {
	e.mu.Lock()
	base, n := e.prev[side], e.cur[side]-e.prev[side]
	e.mu.Unlock()
	for deadline := time.Now().Add(3 * time.Second); n < want && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		n = e.logins(side) - base
	}
	return n
}
