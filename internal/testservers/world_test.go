package testservers_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/testbin"
	"github.com/mailsync/mailsync/internal/testservers"
)

// refBin is mailsync 5.2.7, which the scenarios compare with where it
// can reach the server (plain IMAP: it cannot STARTTLS to either).
const refBin = "/usr/bin/mailsync"

// runAccount is the unprivileged account both programs run as (5.2.7's
// mail library ignores $HOME for root and treats "nobody" as an
// anonymous user); package difftest uses the same one.
const runAccount = "mailsync-difftest"

// ensureAccount returns runAccount, which scripts/setup.sh creates (the
// tests never do): missing, it fails the test under
// MAILSYNC_REQUIRE_TOOLS=1 and skips it otherwise.
func ensureAccount(t *testing.T) *user.User {
	t.Helper()
	u, err := user.Lookup(runAccount)
	if err != nil {
		testbin.MissingTool(t, "the account "+runAccount+" that runs both programs is missing: "+err.Error())
	}
	return u
}

// world is one program's side of a scenario: a home directory owned by
// runAccount, and an account on the server.
type world struct {
	t    *testing.T
	s    *testservers.Server
	bin  string
	home string
	user string
	uid  int
	gid  int
}

func newWorld(t *testing.T, s *testservers.Server, bin, account string) *world {
	t.Helper()
	u := ensureAccount(t)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	home, err := os.MkdirTemp("", "mailsync-world-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	w := &world{t: t, s: s, bin: bin, home: home, user: account, uid: uid, gid: gid}
	w.mkdir("")
	w.mkdir("mail")
	return w
}

func (w *world) path(rel string) string { return filepath.Join(w.home, rel) }

func (w *world) mkdir(rel string) {
	w.t.Helper()
	p := w.path(rel)
	if err := os.MkdirAll(p, 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.Chown(p, w.uid, w.gid); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) write(rel, content string) {
	w.t.Helper()
	p := w.path(rel)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
	if err := os.Chown(p, w.uid, w.gid); err != nil {
		w.t.Fatal(err)
	}
}

// spec is the server part of a mailbox name, in the plain transport
// both programs can use.
func (w *world) spec() string { return "{" + w.s.Addr() + "/notls/user=" + w.user + "}" }

// run runs the program with args in the home directory and returns its
// stdout, stderr and exit code, the account name and port rewritten to
// USER and PORT so that both programs' output compare.
func (w *world) run(args ...string) string {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), w.bin, args...)
	cmd.Dir = w.home
	cmd.Env = []string{"HOME=" + w.home, "USER=" + runAccount, "PATH=/usr/bin:/bin", "TZ=UTC", "LANG=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(w.uid), Gid: uint32(w.gid)}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("%s: %v", w.bin, err)
	}
	r := strings.NewReplacer("user="+w.user+"}", "user=USER}", w.s.Addr(), "127.0.0.1:PORT")
	return fmt.Sprintf("--- stdout\n%s--- stderr\n%s--- exit %d\n", r.Replace(out.String()), r.Replace(errb.String()), code)
}

// imap logs in to the world's account.
func (w *world) imap() *imapclient.Client {
	w.t.Helper()
	c, err := imapclient.DialInsecure(w.s.Addr(), nil)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { c.Close() })
	pw := ""
	for _, u := range w.s.Users {
		if u.Name == w.user {
			pw = u.Password
		}
	}
	if err := c.Login(w.user, pw).Wait(); err != nil {
		w.t.Fatalf("login %s: %v", w.user, err)
	}
	return c
}

// message is a test message with the given id and subject.
func message(id, subject string) string {
	return "From: joe@example.org\r\nTo: ann@example.org\r\nSubject: " + subject +
		"\r\nDate: Mon, 7 Dec 2026 09:00:00 +0000\r\nMessage-ID: <" + id + "@example.org>\r\n\r\nbody of " + subject + "\r\n"
}

// putServer creates folder (if missing) and appends messages to it.
func (w *world) putServer(folder string, msgs ...string) {
	w.t.Helper()
	c := w.imap()
	defer c.Logout()
	_ = c.Create(folder, nil).Wait()
	for _, m := range msgs {
		cmd := c.Append(folder, int64(len(m)), &goimap.AppendOptions{Flags: []goimap.Flag{goimap.FlagSeen}})
		if _, err := cmd.Write([]byte(m)); err != nil {
			w.t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			w.t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			w.t.Fatalf("append to %s: %v", folder, err)
		}
	}
}

// deleteServer expunges the messages of folder whose subject is one of
// subjects.
func (w *world) deleteServer(folder string, subjects ...string) {
	w.t.Helper()
	c := w.imap()
	defer c.Logout()
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		w.t.Fatal(err)
	}
	for _, s := range subjects {
		data, err := c.UIDSearch(&goimap.SearchCriteria{Header: []goimap.SearchCriteriaHeaderField{{Key: "Subject", Value: s}}}, nil).Wait()
		if err != nil {
			w.t.Fatal(err)
		}
		uids := data.AllUIDs()
		if len(uids) == 0 {
			w.t.Fatalf("no message %q in %s", s, folder)
		}
		if err := c.Store(goimap.UIDSetNum(uids...), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close(); err != nil {
			w.t.Fatal(err)
		}
	}
	if err := c.Expunge().Close(); err != nil {
		w.t.Fatal(err)
	}
}

// serverState lists every folder of the account with the subjects of its
// messages, sorted.
func (w *world) serverState() string {
	w.t.Helper()
	c := w.imap()
	defer c.Logout()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	slices.SortFunc(list, func(a, b *goimap.ListData) int { return strings.Compare(a.Mailbox, b.Mailbox) })
	for _, l := range list {
		fmt.Fprintf(&b, "%s:", l.Mailbox)
		if _, err := c.Select(l.Mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			fmt.Fprintf(&b, " (%v)\n", err)
			continue
		}
		fetched, err := c.Fetch(goimap.UIDSet{goimap.UIDRange{Start: 1, Stop: 0}}, &goimap.FetchOptions{Envelope: true}).Collect()
		if err != nil {
			w.t.Fatal(err)
		}
		var subs []string
		for _, m := range fetched {
			subs = append(subs, m.Envelope.Subject)
		}
		slices.Sort(subs)
		fmt.Fprintf(&b, " %s\n", strings.Join(subs, ", "))
	}
	return b.String()
}

var subjectLine = regexp.MustCompile(`(?m)^Subject: (.*)$`)

// localState lists the mbox files of mail/ with their subjects, sorted.
func (w *world) localState() string {
	w.t.Helper()
	ents, err := os.ReadDir(w.path("mail"))
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		data, err := os.ReadFile(w.path("mail/" + e.Name()))
		if err != nil {
			w.t.Fatal(err)
		}
		var subs []string
		for _, m := range subjectLine.FindAllStringSubmatch(string(data), -1) {
			if !strings.Contains(m[1], "DON'T DELETE THIS MESSAGE") {
				subs = append(subs, m[1])
			}
		}
		slices.Sort(subs)
		fmt.Fprintf(&b, "%s: %s\n", e.Name(), strings.Join(subs, ", "))
	}
	return b.String()
}

// deleteLocal removes the message with subject from mbox file rel.
func (w *world) deleteLocal(rel, subject string) {
	w.t.Helper()
	data, err := os.ReadFile(w.path(rel))
	if err != nil {
		w.t.Fatal(err)
	}
	parts := regexp.MustCompile(`(?m)^From `).Split(string(data), -1)
	var keep []string
	found := false
	for _, p := range parts[1:] {
		if strings.Contains(p, "\nSubject: "+subject+"\n") {
			found = true
			continue
		}
		keep = append(keep, "From "+p)
	}
	if !found {
		w.t.Fatalf("no message %q in %s", subject, rel)
	}
	w.write(rel, strings.Join(keep, ""))
}

// mboxOf is an mbox file of the given messages (LF line ends).
func mboxOf(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("From joe@example.org Mon Dec  7 09:00:00 2026\n")
		b.WriteString(strings.ReplaceAll(m, "\r\n", "\n"))
		b.WriteString("\n")
	}
	return b.String()
}

// clone is the path of this module's mailsync.
func clone(t *testing.T) string { return testbin.Path(t) }
