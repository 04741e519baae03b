package bench

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Account is the user a child process runs as; the zero value means "the
// current user".
type Account struct {
	Name     string
	UID, GID uint32
}

// IsCurrent reports whether a is the zero Account.
func (a Account) IsCurrent() bool { return a.Name == "" }

// EnsureAccount returns the system account name, creating it with useradd
// (no home directory, no login shell) when it does not exist. Only root can
// create it.
func EnsureAccount(name string) (Account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		if _, ok := err.(user.UnknownUserError); !ok {
			return Account{}, err
		}
		out, err := exec.Command("useradd", "--system", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
		if err != nil {
			return Account{}, fmt.Errorf("useradd %s: %v: %s", name, err, bytes.TrimSpace(out))
		}
		if u, err = user.Lookup(name); err != nil {
			return Account{}, err
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return Account{}, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return Account{}, err
	}
	return Account{Name: name, UID: uint32(uid), GID: uint32(gid)}, nil
}

// Result is what one run of a child process cost.
type Result struct {
	Wall   time.Duration
	CPU    time.Duration // user + system time of the child
	MaxRSS int64         // peak resident set size in bytes
	Stdout []byte
	Stderr []byte
	Exit   int
}

// Run runs argv with HOME=home as account and measures it. The environment
// is minimal and fixed (HOME, USER, LOGNAME, PATH, TZ=UTC, LC_ALL=C) so that
// both implementations see the same one. A non-zero exit status is reported
// in Result.Exit, not as an error.
func Run(ctx context.Context, account Account, home string, argv ...string) (Result, error) {
	name := account.Name
	if account.IsCurrent() {
		u, err := user.Current()
		if err != nil {
			return Result{}, err
		}
		name = u.Username
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = home
	cmd.Env = []string{
		"HOME=" + home, "USER=" + name, "LOGNAME=" + name,
		"PATH=/usr/local/bin:/usr/bin:/bin", "TZ=UTC", "LC_ALL=C",
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if !account.IsCurrent() {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: account.UID, Gid: account.GID, Groups: []uint32{}},
		}
	}
	start := time.Now()
	err := cmd.Run()
	r := Result{Wall: time.Since(start), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if cmd.ProcessState == nil {
		return r, fmt.Errorf("%s: %w", argv[0], err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	r.Exit = cmd.ProcessState.ExitCode()
	if ctx.Err() != nil {
		return r, fmt.Errorf("%s: %w", argv[0], ctx.Err())
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		return r, err
	}
	return r, nil
}

// Chown gives dir and everything below it to account (no-op for the
// current user).
func Chown(dir string, account Account) error {
	if account.IsCurrent() {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(account.UID), int(account.GID))
	})
}
