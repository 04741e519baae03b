package dovecot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"sync"
)

// MailAccount is the unprivileged system account that owns the mail files
// when the package runs as root (Dovecot refuses root as the mail uid).
const MailAccount = "mailsync-dovecot"

// AptPackage is the Debian package of Dovecot that scripts/setup.sh
// installs; Launch only names it when Dovecot is missing.
const AptPackage = "dovecot-imapd"

// binaries holds the absolute paths of the Dovecot programs.
type binaries struct {
	dovecot, doveadm string
}

var (
	installOnce sync.Once
	installed   binaries
	installErr  error

	accountOnce sync.Once
	account     mailOwner
	accountErr  error
)

// mailOwner is the uid/gid the mail files belong to, and whether the
// server runs rootless (as that same uid).
type mailOwner struct {
	uid, gid    int
	user, group string
	rootless    bool
}

// lookBinaries finds dovecot and doveadm in PATH or in Debian's locations
// (/usr/sbin is not in an unprivileged user's PATH).
func lookBinaries() (binaries, error) {
	find := func(name string, dirs ...string) (string, error) {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
		for _, d := range dirs {
			p := d + "/" + name
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				return p, nil
			}
		}
		return "", fmt.Errorf("%s not found in PATH, /usr/sbin or /usr/bin", name)
	}
	var b binaries
	var err error
	if b.dovecot, err = find("dovecot", "/usr/sbin", "/usr/local/sbin"); err != nil {
		return b, err
	}
	if b.doveadm, err = find("doveadm", "/usr/bin", "/usr/local/bin"); err != nil {
		return b, err
	}
	return b, nil
}

// ensureInstalled returns the Dovecot binaries (once per process). It
// installs nothing: scripts/setup.sh installs the Debian package
// AptPackage; a missing Dovecot is an error that names it.
func ensureInstalled(ctx context.Context) (binaries, error) {
	installOnce.Do(func() {
		installed, installErr = lookBinaries()
		if installErr != nil {
			installErr = fmt.Errorf("dovecot is not installed (Debian package %s; run scripts/setup.sh): %w", AptPackage, installErr)
		}
	})
	return installed, installErr
}

// mailAccountFor returns who owns the mail: when root, the system account
// MailAccount (scripts/setup.sh creates it); otherwise the current user,
// and the server runs rootless.
func mailAccountFor(ctx context.Context) (mailOwner, error) {
	accountOnce.Do(func() {
		if os.Geteuid() != 0 {
			account, accountErr = currentOwner()
			return
		}
		account, accountErr = systemAccount(ctx)
	})
	return account, accountErr
}

func currentOwner() (mailOwner, error) {
	u, err := user.Current()
	if err != nil {
		return mailOwner{}, fmt.Errorf("current user: %w", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return mailOwner{}, fmt.Errorf("group of %s: %w", u.Username, err)
	}
	return ownerOf(u, g.Name, true)
}

// systemAccount is MailAccount, which scripts/setup.sh creates (the
// package never does).
func systemAccount(ctx context.Context) (mailOwner, error) {
	u, err := user.Lookup(MailAccount)
	if err != nil {
		return mailOwner{}, fmt.Errorf("the mail account %s is missing (run scripts/setup.sh): %w", MailAccount, err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return mailOwner{}, fmt.Errorf("group of %s: %w", MailAccount, err)
	}
	return ownerOf(u, g.Name, false)
}

func ownerOf(u *user.User, group string, rootless bool) (mailOwner, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return mailOwner{}, fmt.Errorf("uid of %s: %w", u.Username, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return mailOwner{}, fmt.Errorf("gid of %s: %w", u.Username, err)
	}
	if uid == 0 {
		return mailOwner{}, errors.New("mail files cannot belong to root (Dovecot refuses uid 0)")
	}
	return mailOwner{uid: uid, gid: gid, user: u.Username, group: group, rootless: rootless}, nil
}

// tail returns at most n bytes from the end of b.
func tail(b []byte, n int) []byte {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return b
}
