package hostile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// extraNames is a session that lists, besides the folders the memory
// server matches, the given names whatever the pattern: a server whose
// folder names try to leave the local store.
type extraNames struct {
	imapserver.Session
	names []string
}

func (s extraNames) List(w *imapserver.ListWriter, ref string, pats []string, opt *goimap.ListOptions) error {
	if err := s.Session.List(w, ref, pats, opt); err != nil {
		return err
	}
	for _, n := range s.names {
		if err := w.WriteList(&goimap.ListData{Delim: '/', Mailbox: n}); err != nil {
			return err
		}
	}
	return nil
}

// appendTo appends one message with the given Message-ID to box on the
// server at addr (user sam).
func appendTo(t *testing.T, addr, box, id string) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("sam", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf("Message-ID: <%s>\r\nFrom: a@example.org\r\nSubject: %s\r\n\r\nbody\r\n", id, id)
	cmd := c.Append(box, int64(len(msg)), nil)
	if _, err := cmd.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s: %v", box, err)
	}
}

// nameServer starts a server whose folders are "work" (one message) and
// the hostile names (one message each, except those ending in "_mbox",
// which are empty), all listed for every pattern.
func nameServer(t *testing.T, hostile []string) string {
	t.Helper()
	addr := serve(t, imaptest.Options{
		Folders: append([]string{"work"}, hostile...),
		Wrap: func(s imapserver.Session) imapserver.Session {
			return extraNames{Session: s, names: hostile}
		},
	})
	appendTo(t, addr, "work", "work@example.org")
	for i, n := range hostile {
		if !strings.HasSuffix(n, "_mbox") {
			appendTo(t, addr, n, fmt.Sprintf("hostile%d@example.org", i))
		}
	}
	return addr
}

// TestHostileFolderNames: folder names a server lists that would leave
// the local store are refused with a warning naming the box and the
// store; nothing outside the store changes (no file created, read into
// the server or expunged), the honest folder is synchronised, and the
// run exits 1. Run twice: the second run must not expunge anything
// outside either (the ../secret_mbox case of the issue).
func TestHostileFolderNames(t *testing.T) {
	for _, tc := range []struct {
		name          string
		pat, prefix   string // the local store
		hostile       []string
		storeDir      string // the local store's folder, relative to Root
		absoluteNames bool
	}{
		{
			name: "below Mail", pat: "Mail/%", prefix: "Mail/", storeDir: "home/Mail",
			hostile: []string{"../secret_mbox", "../emptyfile", "../../sibling/pwned", "a/../../x",
				"../.msinfo", "INBOX/../../y", "ok/./../z", "two//levels"},
		},
		{
			name: "home itself", pat: "%", prefix: "", storeDir: "home",
			hostile: []string{"../sibling/secret_mbox", "#mh/../../z", "#maildir/../z", "~/pwned",
				"~root/pwned", "ABS"},
			absoluteNames: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			hostile := tc.hostile
			if tc.absoluteNames {
				// An absolute name pointing into the world's sibling.
				for i, n := range hostile {
					if n == "ABS" {
						hostile[i] = filepath.Join(w.Sibling, "abs_pwned")
					}
				}
			}
			if tc.storeDir == "home" {
				w.write("home/mbox", "") // INBOX of a store whose root is HOME
			}
			addr := nameServer(t, hostile)
			// The state lives outside the stores (a store whose root is
			// HOME would list it as a mailbox).
			msinfo := filepath.Join(w.Root, "state", "msinfo")
			if err := os.Mkdir(filepath.Dir(msinfo), 0o755); err != nil {
				t.Fatal(err)
			}
			w.config(fmt.Sprintf("store local {\n\tpat %s\n\tprefix %s\n}\n"+
				"store server {\n\tserver {%[3]s/notls/user=sam}\n\tref {%[3]s}\n\tpat %%\n\tpasswd secret\n}\n"+
				"channel ch local server {\n\tmsinfo %[4]s\n}\n", tc.pat, tc.prefix, addr, msinfo))
			if tc.prefix == "" {
				w.config(fmt.Sprintf("store local {\n\tpat %s\n}\n"+
					"store server {\n\tserver {%[2]s/notls/user=sam}\n\tref {%[2]s}\n\tpat %%\n\tpasswd secret\n}\n"+
					"channel ch local server {\n\tmsinfo %[3]s\n}\n", tc.pat, addr, msinfo))
			}
			keep := func(rel string) bool {
				if under("state", "home/.cache")(rel) {
					return true
				}
				if tc.storeDir == "home" {
					// The store is HOME: only the honest box and INBOX may appear.
					return rel == "home/work" || rel == "home/mbox"
				}
				return under(tc.storeDir)(rel) && !strings.Contains(rel, "..")
			}
			before := snapshot(t, w.Root)
			for run := 1; run <= 2; run++ {
				r := w.run("ch")
				if r.Code != 1 {
					t.Errorf("run %d: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", run, r.Code, r.Stdout, r.Stderr)
				}
				for _, n := range hostile {
					want := fmt.Sprintf("Warning: skipping mailbox %q of store server: its name ", n)
					if !strings.Contains(r.Stderr, want) {
						t.Errorf("run %d: stderr lacks %q:\n%s", run, want, r.Stderr)
					}
				}
				if !strings.Contains(r.Stdout, "work: \n1 copied server->local.\n1 remains.\n") && run == 1 {
					t.Errorf("run %d: the honest folder was not synchronised:\n%s", run, r.Stdout)
				}
				if d := diff(before, snapshot(t, w.Root), keep); len(d) > 0 {
					t.Errorf("run %d changed files outside the store: %q", run, d)
				}
				for _, n := range hostile {
					if strings.HasSuffix(n, "_mbox") {
						if got := messagesIn(t, addr, n); got != 0 {
							t.Errorf("run %d: %d local message(s) copied to the server's %q", run, got, n)
						}
					}
				}
			}
			work := filepath.Join(w.Root, tc.storeDir, "work")
			if b, err := os.ReadFile(work); err != nil || !strings.Contains(string(b), "<work@example.org>") {
				t.Errorf("the honest box %s lacks its message: %v", work, err)
			}
		})
	}
}

// messagesIn returns how many messages box holds on the server at addr.
func messagesIn(t *testing.T, addr, box string) uint32 {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("sam", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(box, &goimap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatalf("status %s: %v", box, err)
	}
	return *st.NumMessages
}
