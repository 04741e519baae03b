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
	"sync"
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
	MaxRSS int64         // peak resident set size in bytes (see RSSMethod)
	Stdout []byte
	Stderr []byte
	Exit   int
}

// timeBin is GNU time. On Linux a child's ru_maxrss is at least the peak
// resident size of the process that forked it (the kernel carries the old
// address space's high-water mark over execve, and a vfork child's old
// address space is its parent's), so wait4 would report the benchmark's
// own memory. Run therefore starts the program through GNU time, which
// is small, and takes the peak RSS that time reports for its child.
const timeBin = "/usr/bin/time"

var (
	gnuTimeOnce sync.Once
	gnuTimeOK   bool
)

func haveGNUTime() bool {
	gnuTimeOnce.Do(func() {
		out, err := exec.Command(timeBin, "--version").CombinedOutput()
		gnuTimeOK = err == nil && bytes.Contains(out, []byte("GNU"))
	})
	return gnuTimeOK
}

// RSSMethod says how Run measures peak RSS, for the benchmark's header.
func RSSMethod() string {
	if haveGNUTime() {
		return "peak RSS of the program alone (" + timeBin + " %M)"
	}
	return "peak RSS from wait4 (no GNU time at " + timeBin + "): at least this benchmark's own RSS at fork"
}

// Run runs argv with HOME=home as account and measures it. The environment
// is minimal and fixed (HOME, USER, LOGNAME, PATH, TZ=UTC, LC_ALL=C) so that
// all programs see the same one. A non-zero exit status is reported
// in Result.Exit (128+N for signal N), not as an error. When ctx ends the
// whole process group of the child is killed.
func Run(ctx context.Context, account Account, home string, argv ...string) (Result, error) {
	name := account.Name
	if account.IsCurrent() {
		u, err := user.Current()
		if err != nil {
			return Result{}, err
		}
		name = u.Username
	}
	prog := argv[0]
	rssFile := ""
	if haveGNUTime() {
		f, err := os.CreateTemp("", "mailsync-bench-rss.")
		if err != nil {
			return Result{}, fmt.Errorf("run %s: %w", prog, err)
		}
		rssFile = f.Name()
		f.Close()
		defer os.Remove(rssFile)
		if !account.IsCurrent() {
			if err := os.Chown(rssFile, int(account.UID), int(account.GID)); err != nil {
				return Result{}, fmt.Errorf("run %s: %w", prog, err)
			}
		}
		argv = append([]string{timeBin, "-q", "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = home
	cmd.Env = []string{
		"HOME=" + home, "USER=" + name, "LOGNAME=" + name,
		"PATH=/usr/local/bin:/usr/bin:/bin", "TZ=UTC", "LC_ALL=C",
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if !account.IsCurrent() {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: account.UID, Gid: account.GID, Groups: []uint32{}}
	}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := Result{Wall: time.Since(start), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if cmd.ProcessState == nil {
		return r, fmt.Errorf("%s: %w", prog, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if rssFile != "" {
		r.MaxRSS = -1 // unknown unless time reports it
		if out, rerr := os.ReadFile(rssFile); rerr == nil {
			if kb, perr := strconv.ParseInt(string(bytes.TrimSpace(out)), 10, 64); perr == nil {
				r.MaxRSS = kb * 1024
			}
		}
	}
	r.Exit = cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.Exit = 128 + int(ws.Signal())
	}
	if ctx.Err() != nil {
		return r, fmt.Errorf("%s: %w", prog, ctx.Err())
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		return r, fmt.Errorf("%s: %w", prog, err)
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
