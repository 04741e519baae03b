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
	"time"
)

// MailAccount is the unprivileged system account that owns the mail files
// when the package runs as root (Dovecot refuses root as the mail uid).
const MailAccount = "mailsync-dovecot"

// AptPackage is what Launch installs with apt-get when Dovecot is missing
// and the process runs as root.
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

// ensureInstalled returns the Dovecot binaries, installing the Debian
// package first (once per process) when they are missing and the process
// is root. Concurrent apt-get runs from other test binaries wait on the
// dpkg lock.
func ensureInstalled(ctx context.Context) (binaries, error) {
	installOnce.Do(func() {
		installed, installErr = lookBinaries()
		if installErr == nil {
			return
		}
		if os.Geteuid() != 0 {
			installErr = fmt.Errorf("dovecot is not installed and only root may install it: %w", installErr)
			return
		}
		if err := aptInstall(ctx); err != nil {
			installErr = fmt.Errorf("install %s: %w", AptPackage, err)
			return
		}
		installed, installErr = lookBinaries()
	})
	return installed, installErr
}

func aptInstall(ctx context.Context) error {
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "apt-get", append([]string{"-o", "DPkg::Lock::Timeout=300", "-q"}, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %v: %w\n%s", args, err, tail(out, 2000))
		}
		return nil
	}
	install := []string{"install", "-y", "--no-install-recommends", AptPackage}
	if err := run(install...); err == nil {
		return nil
	}
	// Package lists may be missing (fresh container): update, then retry.
	if err := run("update"); err != nil {
		return err
	}
	return run(install...)
}

// mailAccountFor returns who owns the mail: when root, the system account
// MailAccount (created once, idempotently, also against other processes
// doing the same); otherwise the current user, and the server runs
// rootless.
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

func systemAccount(ctx context.Context) (mailOwner, error) {
	var last error
	for attempt := 0; attempt < 50; attempt++ {
		if u, err := user.Lookup(MailAccount); err == nil {
			g, err := user.LookupGroupId(u.Gid)
			if err != nil {
				return mailOwner{}, fmt.Errorf("group of %s: %w", MailAccount, err)
			}
			return ownerOf(u, g.Name, false)
		}
		cmd := exec.CommandContext(ctx, "useradd", "--system", "--user-group",
			"--no-create-home", "--home-dir", "/nonexistent",
			"--shell", "/usr/sbin/nologin",
			"--comment", "mailsync test Dovecot mail owner", MailAccount)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			continue // look it up
		case errors.As(err, &exit) && exit.ExitCode() == 9:
			// Another process created it first (or a group of that
			// name exists, which the next lookups will tell).
			last = fmt.Errorf("useradd %s: %w: %s", MailAccount, err, bytes.TrimSpace(out))
		case errors.As(err, &exit) && exit.ExitCode() == 10:
			// /etc/passwd is locked by another useradd: wait.
			last = fmt.Errorf("useradd %s: %w: %s", MailAccount, err, bytes.TrimSpace(out))
		default:
			return mailOwner{}, fmt.Errorf("useradd %s: %w: %s", MailAccount, err, bytes.TrimSpace(out))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return mailOwner{}, fmt.Errorf("create system account %s: gave up: %w", MailAccount, last)
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
