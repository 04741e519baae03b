package dovecot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mailsync/mailsync/internal/mutf7"
)

// Message is one message for LoadMessages.
type Message struct {
	// Raw is the message, written to the file verbatim (LF or CRLF line
	// ends; Dovecot serves both as CRLF).
	Raw []byte
	// Flags are Maildir flag letters: D(raft) F(lagged) P(assed)
	// R(eplied = \Answered) S(een) T(rashed = \Deleted), in any order.
	Flags string
	// Time is the file's mtime, which Dovecot reports as INTERNALDATE.
	// Zero means now.
	Time time.Time
	// New puts the message in new/ instead of cur/; it must have no
	// Flags. (Either way the first IMAP session to select the folder
	// read-write sees every loaded message as \Recent.)
	New bool
}

// Account is one user of a Server.
type Account struct {
	Name, Password string
	Home           string // mail is in Home/Maildir
	s              *Server
}

// Account returns the named user, or nil if the server has no such user.
func (s *Server) Account(name string) *Account {
	for _, u := range s.opt.Users {
		if u.Name == name {
			return &Account{Name: u.Name, Password: u.Password, Home: filepath.Join(s.l.homes, u.Name), s: s}
		}
	}
	return nil
}

func (s *Server) primary() *Account { return s.Account(s.User) }

// MaildirPath is MaildirPath of the primary user.
func (s *Server) MaildirPath(folder string) string { return s.primary().MaildirPath(folder) }

// CreateFolder is CreateFolder of the primary user.
func (s *Server) CreateFolder(ctx context.Context, folder string) error {
	return s.primary().CreateFolder(ctx, folder)
}

// LoadMessages is LoadMessages of the primary user.
func (s *Server) LoadMessages(ctx context.Context, folder string, msgs []Message) error {
	return s.primary().LoadMessages(ctx, folder, msgs)
}

// MaildirPath returns the Maildir++ directory that holds folder, an IMAP
// mailbox name as a client sees it (modified UTF-7, the server's
// delimiter): INBOX is Home/Maildir itself and "a" Delim "b" is
// Home/Maildir/.a.b. On an InboxPrefix server "INBOX.a" and "a" both name
// .a (see fullName); on a Courier-style one (Delim '.', no prefix)
// "INBOX.a" is .INBOX.a.
func (a *Account) MaildirPath(folder string) string {
	root := filepath.Join(a.Home, "Maildir")
	name := a.s.fullName(folder)
	if strings.EqualFold(name, "INBOX") {
		return root
	}
	name = name[len(a.s.Prefix):]
	parts := strings.Split(name, string(a.s.Delim))
	return filepath.Join(root, "."+strings.Join(parts, "."))
}

// fullName returns folder as Dovecot names it: on an InboxPrefix server a
// name outside the prefix (other than INBOX) is taken as relative to it,
// so "work" means "INBOX.work".
func (s *Server) fullName(folder string) string {
	p := s.Prefix
	if p == "" || strings.EqualFold(folder, "INBOX") ||
		len(folder) >= len(p) && strings.EqualFold(folder[:len(p)], p) {
		return folder
	}
	return p + folder
}

// CreateFolder creates folder (see MaildirPath for names) with
// `doveadm mailbox create`; creating an existing folder is an error.
func (a *Account) CreateFolder(ctx context.Context, folder string) error {
	name := a.s.fullName(folder)
	if d, err := mutf7.Decode(name); err == nil {
		name = d // doveadm takes UTF-8 names and encodes them itself
	}
	if _, err := a.s.Doveadm(ctx, "mailbox", "create", "-u", a.Name, name); err != nil {
		return fmt.Errorf("create folder %q for %s: %w", folder, a.Name, err)
	}
	return nil
}

// fileSeq makes Maildir file names unique within the process.
var fileSeq atomic.Uint64

// LoadMessages adds msgs to folder (created first if missing) the fast way,
// far faster than APPEND: it writes each message to tmp/, renames it into cur/ as
// NAME:2,FLAGS (or into new/), owned by the mail uid, sets its mtime, and
// finally runs `doveadm force-resync` on the folder so Dovecot indexes
// them. UIDs follow the order of msgs.
func (a *Account) LoadMessages(ctx context.Context, folder string, msgs []Message) error {
	dir := a.MaildirPath(folder)
	if _, err := os.Stat(filepath.Join(dir, "cur")); os.IsNotExist(err) {
		// A folder Dovecot has already (its directory made by a
		// parallel test's doveadm before its cur/) is used as it is:
		// seen once in TestServerFaults.
		if err := a.CreateFolder(ctx, folder); err != nil && !strings.Contains(err.Error(), "Mailbox already exists") {
			return err
		}
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := mkdirOwned(filepath.Join(dir, sub), 0o700, a.s.owner); err != nil {
			return err
		}
	}
	now := time.Now()
	pid := os.Getpid()
	for i, m := range msgs {
		flags, err := maildirFlags(m.Flags)
		if err != nil {
			return fmt.Errorf("load message %d into %q: %w", i, folder, err)
		}
		if m.New && flags != "" {
			return fmt.Errorf("load message %d into %q: a New message cannot have flags %q", i, folder, m.Flags)
		}
		t := m.Time
		if t.IsZero() {
			t = now
		}
		// Dovecot gives new files UIDs in the order of the time, the
		// microseconds, then the rest of the name: load time and a
		// zero-padded counter make that the order of msgs.
		base := fmt.Sprintf("%d.M%06dP%dQ%012d.mailsync-test", now.Unix(), now.Nanosecond()/1000, pid, fileSeq.Add(1))
		tmp := filepath.Join(dir, "tmp", base)
		final := filepath.Join(dir, "cur", base+":2,"+flags)
		if m.New {
			final = filepath.Join(dir, "new", base)
		}
		if err := a.s.writeMailFile(tmp, m.Raw, t); err != nil {
			return fmt.Errorf("load message %d into %q: %w", i, folder, err)
		}
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("load message %d into %q: %w", i, folder, err)
		}
	}
	if _, err := a.s.Doveadm(ctx, "force-resync", "-u", a.Name, a.s.fullName(folder)); err != nil {
		return fmt.Errorf("index %q for %s: %w", folder, a.Name, err)
	}
	return nil
}

func (s *Server) writeMailFile(path string, data []byte, t time.Time) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !s.owner.rootless {
		if err := os.Chown(path, s.owner.uid, s.owner.gid); err != nil {
			return fmt.Errorf("chown %s: %w", path, err)
		}
	}
	if err := os.Chtimes(path, t, t); err != nil {
		return fmt.Errorf("set times of %s: %w", path, err)
	}
	return nil
}

// maildirFlags validates Maildir flag letters and returns them sorted and
// without repeats, as the Maildir spec requires.
func maildirFlags(f string) (string, error) {
	set := map[rune]bool{}
	for _, r := range f {
		if !strings.ContainsRune("DFPRST", r) {
			return "", fmt.Errorf("flag %q is not one of DFPRST", r)
		}
		set[r] = true
	}
	var out []string
	for r := range set {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return strings.Join(out, ""), nil
}

// Doveadm runs doveadm with the instance's configuration and
// returns its standard output. The error includes its standard error.
func (s *Server) Doveadm(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, s.bin.doveadm, append([]string{"-c", s.l.config}, args...)...)
	cmd.Env = processEnv()
	cmd.Dir = s.l.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.Bytes(), nil
}
