package local

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

// mhInbox is the MH inbox name; mhInboxDir the folder it stands for.
const (
	mhInbox    = "#mhinbox"
	mhInboxDir = "inbox"
	mhProfile  = ".mh_profile"
	mhDefault  = "Mail" // MH root when the profile has no Path: line
	spoolDir   = "/var/mail"
)

// isMHName reports whether name is in the #mh namespace: "#mh/X" ("mh" in
// any case, X not empty) or "#mhinbox" (any case). rest is X ("inbox" for
// #mhinbox).
func isMHName(name string) (rest string, ok bool) {
	if strings.EqualFold(name, mhInbox) {
		return mhInboxDir, true
	}
	if len(name) > 4 && name[0] == '#' && strings.EqualFold(name[1:3], "mh") && name[3] == '/' {
		return name[4:], true
	}
	return "", false
}

// maildirNS is the prefix of the #maildir namespace (any case): a plain
// local name after it, whose boxes are all Maildirs.
const maildirNS = "#maildir/"

// isMaildirName reports whether name is in the #maildir namespace:
// "#maildir/X" ("maildir" in any case, X not empty). rest is X, a plain
// local name.
func isMaildirName(name string) (rest string, ok bool) {
	if len(name) > len(maildirNS) && strings.EqualFold(name[:len(maildirNS)], maildirNS) {
		return name[len(maildirNS):], true
	}
	return "", false
}

// namespace is the part of the local namespace a name is in.
type namespace int

const (
	nsPlain   namespace = iota // c-client file names
	nsMH                       // #mh/… and #mhinbox
	nsMaildir                  // #maildir/…
)

// nsOf returns the namespace of name.
func nsOf(name string) namespace {
	if _, ok := isMHName(name); ok {
		return nsMH
	}
	if _, ok := isMaildirName(name); ok {
		return nsMaildir
	}
	return nsPlain
}

// isInbox reports whether name is INBOX in any case.
func isInbox(name string) bool { return strings.EqualFold(name, "INBOX") }

// Path resolves a local c-client mailbox name to a file system path: relative
// names are relative to Env.Home, "~/x" is "x", "~user/x" is x in that user's
// home, absolute names and ".." are allowed
// (doc/design/decisions.md#d7-absolute-paths), INBOX (any case) is ~/mbox if it
// exists, else /var/mail/USER; "#mh/NAME" is NAME under the MH root and
// "#mhinbox" the MH inbox (an error wrapping store.ErrNoMailbox when
// ~/.mh_profile does not exist); "#maildir/NAME" is the plain name NAME. Other
// "#" names and remote "{…}" names are errors. A trailing "/" is dropped.
func (s *Store) Path(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("empty mailbox name: %w", store.ErrNoMailbox)
	case isInbox(name):
		return s.inboxPath()
	case name[0] == '{':
		return "", fmt.Errorf("mailbox %s: remote name in a local store: %w", name, store.ErrNoMailbox)
	case name[0] == '#':
		if rest, ok := isMaildirName(name); ok {
			return s.filePath(rest)
		}
		rest, ok := isMHName(name)
		if !ok {
			return "", fmt.Errorf("mailbox %s: unknown namespace: %w", name, store.ErrNoMailbox)
		}
		root, err := s.mhRoot()
		if err != nil {
			return "", err
		}
		if root == "" {
			return "", fmt.Errorf("mailbox %s: no ~/%s, MH names disabled: %w", name, mhProfile, store.ErrNoMailbox)
		}
		return filepath.Join(root, rest), nil
	}
	return s.filePath(name)
}

// filePath resolves a plain (non-#, non-INBOX) name.
func (s *Store) filePath(name string) (string, error) {
	if filepath.IsAbs(name) {
		return filepath.Clean(name), nil
	}
	if name == "~" || strings.HasPrefix(name, "~/") {
		return filepath.Join(s.env.Home, strings.TrimPrefix(name, "~")), nil
	}
	if name[0] == '~' {
		who, rest, _ := strings.Cut(name[1:], "/")
		u, err := user.Lookup(who)
		if err != nil {
			return "", fmt.Errorf("mailbox %s: %w", name, err)
		}
		return filepath.Join(u.HomeDir, rest), nil
	}
	if s.env.Home == "" {
		return "", fmt.Errorf("mailbox %s: no home directory to resolve it in: %w", name, store.ErrNoMailbox)
	}
	return filepath.Join(s.env.Home, name), nil
}

// inboxPath returns ~/mbox when it exists, else the user's spool file.
func (s *Store) inboxPath() (string, error) {
	if s.env.Home != "" {
		p := filepath.Join(s.env.Home, "mbox")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	who := s.env.User
	if who == "" { // doc/design/decisions.md#d12-user-names: fall back to the login name
		u, err := user.Current()
		if err != nil {
			return "", fmt.Errorf("INBOX: no user name: %w", err)
		}
		who = u.Username
	}
	return filepath.Join(spoolDir, who), nil
}

// mhRoot returns the MH root directory, or "" when ~/.mh_profile does not
// exist (MH names disabled). Like c-client it takes the first line whose
// first word is "Path:" (any case; the word must be followed by a space
// or tab) and uses the rest, leading blanks removed, relative to Home
// unless it starts with "/". A profile without Path: means ~/Mail.
func (s *Store) mhRoot() (string, error) {
	if s.env.Home == "" {
		return "", nil
	}
	data, err := os.ReadFile(filepath.Join(s.env.Home, mhProfile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("read MH profile: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Split(splitCRLF)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexAny(line, " \t")
		if i < 0 || !strings.EqualFold(line[:i], "Path:") {
			continue
		}
		v := strings.TrimLeft(line[i+1:], " \t")
		if strings.HasPrefix(v, "/") {
			return v, nil
		}
		return s.env.Home + "/" + v, nil
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read MH profile: %w", err)
	}
	return filepath.Join(s.env.Home, mhDefault), nil
}

// splitCRLF splits at runs of CR and LF, like strtok(…, "\r\n").
func splitCRLF(data []byte, atEOF bool) (int, []byte, error) {
	start := 0
	for start < len(data) && (data[start] == '\r' || data[start] == '\n') {
		start++
	}
	for i := start; i < len(data); i++ {
		if data[i] == '\r' || data[i] == '\n' {
			return i + 1, data[start:i], nil
		}
	}
	if atEOF && start < len(data) {
		return len(data), data[start:], nil
	}
	if atEOF {
		return len(data), nil, nil
	}
	return start, nil, nil
}
