package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mailsync/mailsync/internal/bench"
)

// The programs the IMAP suite measures, how each is configured, and how
// its local side is read and changed.

// tool is one program of the IMAP suite with one local format.
type tool struct {
	label   string        // "ours", "ours-maildir", "mbsync", "5.2.7"
	user    string        // its own Dovecot user
	bin     string        // the program, or "" when it cannot run
	note    string        // why it does not run
	account bench.Account // who runs it
	mbsync  bool          // the program is mbsync, not a mailsync
	maildir bool          // the local side is a Maildir tree, not mbox files
	// flagSync: a mailsync whose channel has "flags sync" (the flag
	// suite, flags.go; mbsync synchronises flags by default).
	flagSync bool
}

// format names the local side.
func (t tool) format() string {
	if t.maildir {
		return "Maildir"
	}
	return "mbox"
}

// mailsyncConfig is the ~/.mailsync of ours and 5.2.7: the Dovecot user's
// folders (pat %: INBOX and the top-level folders; 5.2.7 lists a server only
// with a remote ref) against mbox files in ~/mail. Store names and the msinfo
// path stay at most 9 bytes long, where 5.2.7 behaves as intended
// (doc/design/behaviour.md#box-pairing). For ours-maildir, setup makes
// ~/mail/INBOX an empty Maildir, so ours creates the other boxes as Maildirs
// beside it (~/mail/work, ..., the layout of mbsync's). (A `\#maildir/mail/`
// prefix would say the same; written without the backslash, "#" starts a
// comment.)
const mailsyncConfig = `store remote {
	server	{127.0.0.1:%[1]d/notls/norsh/user=%[2]s}
	ref	{127.0.0.1:%[1]d/notls/norsh/user=%[2]s}
	pat	%%
	passwd	%[3]s
}
store local {
	pat	mail/%%
	prefix	mail/
}
channel bench remote local {
	msinfo	.msinfo
}
`

// mbsyncConfig is the ~/.mbsyncrc of mbsync (isync 1.4: Far/Near,
// SSLType): the same Dovecot folders against a Maildir tree in ~/mail
// (INBOX as ~/mail/INBOX), both ways, creating folders and expunging on
// both sides, the sync state inside each Maildir. AuthMechs LOGIN lets it
// send the password without TLS, as the mailsyncs do with /notls.
const mbsyncConfig = `IMAPAccount far
Host 127.0.0.1
Port %d
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore far
Account far

MaildirStore near
Path %s/
Inbox %s/INBOX
SubFolders Verbatim

Channel bench
Far :far:
Near :near:
Patterns *
Create Both
Expunge Both
SyncState *
`

// setup makes a fresh HOME for t with an empty ~/mail and its
// configuration, owned by t's account.
func (t tool) setup(home string, port int, password string) error {
	mail := filepath.Join(home, "mail")
	if err := os.MkdirAll(mail, 0o700); err != nil {
		return err
	}
	if t.maildir && !t.mbsync {
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(mail, "INBOX", sub), 0o700); err != nil {
				return err
			}
		}
	}
	name, text := ".mailsync", fmt.Sprintf(mailsyncConfig, port, t.user, password)
	if t.flagSync {
		text = strings.Replace(text, "\tmsinfo\t.msinfo\n", "\tmsinfo\t.msinfo\n\tflags\tsync\n", 1)
	}
	if t.mbsync {
		name, text = ".mbsyncrc", fmt.Sprintf(mbsyncConfig, port, t.user, password, mail, mail)
	}
	if err := os.WriteFile(filepath.Join(home, name), []byte(text), 0o600); err != nil {
		return err
	}
	return bench.Chown(home, t.account)
}

// argv is the command line of one sync.
func (t tool) argv(home string) []string {
	if t.mbsync {
		return []string{t.bin, "-c", filepath.Join(home, ".mbsyncrc"), "bench"}
	}
	return []string{t.bin, "bench"}
}

// localPath is the mbox file or Maildir of folder below home.
func (t tool) localPath(home, folder string) string {
	return filepath.Join(home, "mail", folder)
}

// localIDs reads the Message-IDs of the local copy of folder, sorted. A
// Maildir message still flagged T (deleted, not expunged) is an error.
func (t tool) localIDs(home, folder string) ([]string, error) {
	path := t.localPath(home, folder)
	if t.maildir {
		m, err := bench.ScanMaildir(path)
		if err != nil {
			return nil, err
		}
		if m.Trashed > 0 {
			return nil, fmt.Errorf("%s: %d messages flagged deleted but not expunged", path, m.Trashed)
		}
		return slices.Sorted(slices.Values(m.IDs)), nil
	}
	m, err := bench.ScanMbox(path)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(slices.Values(m.IDs)), nil
}

// changeLocal deletes the messages in drop from the local copy of folder
// and delivers add into it, as a mail reader and a delivery agent would.
func (t tool) changeLocal(home, folder string, drop map[string]bool, add []bench.Mail) (int, error) {
	path := t.localPath(home, folder)
	if !t.maildir {
		return bench.EditMbox(path, drop, add)
	}
	n, err := bench.RemoveFromMaildir(path, drop)
	if err != nil {
		return n, err
	}
	return n, bench.AddToMaildir(path, add, t.account)
}

// copyTree copies the regular files and directories below from to to,
// for seeding 5.2.7 with ours' result.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		return copyFile(path, dst)
	})
}
