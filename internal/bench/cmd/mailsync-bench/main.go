// Command mailsync-bench measures this mailsync against mailsync 5.2.7
// (/usr/bin/mailsync) and, over IMAP, against mbsync, on generated mail
// (about 18 KB per message on average), and checks every result.
//
//	go run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes 1000,5000,50000 -imap-sizes 10000
//
// It runs four suites, each skipped with a size list of "none":
//
//   - the mbox suite (-sizes, $BENCH_SIZES): a first sync of one mbox box
//     of N messages into an empty local store, ours and, up to -ref-max
//     ($BENCH_REF_MAX) messages, 5.2.7;
//   - the IMAP suite (-imap-sizes, $BENCH_IMAP_SIZES; see imap.go): a
//     private Dovecot holding N messages in 5 folders against an empty
//     local store: the initial sync, a no-op re-sync and a re-sync after 1%
//     new and 1% deleted messages on each side, by ours, mbsync and 5.2.7
//     (its initial sync only up to -imap-ref-max, $BENCH_IMAP_REF_MAX),
//     with a raw pipelined UID FETCH 1:* BODY.PEEK[] as the floor;
//   - the Maildir suite (-maildir-sizes, $BENCH_MAILDIR_SIZES; see
//     maildir.go): N messages in 5 Maildirs against an empty Maildir tree,
//     the same three steps, by ours and mbsync (both as the bench user);
//   - the WAN suite (-wan-cases, $BENCH_WAN_CASES; see wan.go and
//     doc/design/wan.md): the IMAP suite's three steps by ours and
//     mbsync, and a fully pipelined fetch, through a relay that delays
//     each direction (RTT 50 ms and 150 ms, 2,000 messages in 50 folders;
//     RTT 50 ms, 5,000 in 500), with the round trips each run made;
//   - the flag suite (-flag-sizes, $BENCH_FLAG_SIZES; -flag-rtt,
//     $BENCH_FLAG_RTT, puts a relay with that round trip in front of
//     its Dovecot; see flags.go): 1%
//     of the messages flagged on the server and 1% read locally, then
//     the flag sync, by ours with "flags sync" and by mbsync.
//
// 5.2.7 must run as an unprivileged user (its mail library ignores $HOME for
// root): as root the command runs it, and mbsync, as the system user
// mailsync-bench, creating that user if needed; as any other user it runs
// them as that user. Each program gets its own fresh HOME (and, over IMAP,
// its own Dovecot user) with the same generated mail. Wall time, CPU time
// and peak RSS are those of the measured child process (wait4 rusage).
//
// The work directory is $BENCH_DIR if set, else /dev/shm when it is a tmpfs
// with room, else the system temp directory; the output says which. On a
// tmpfs the figures measure the programs rather than the disk: 5.2.7
// rewrites and fsyncs the whole destination mbox after every append, so on
// a slow disk it is much slower still.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/netrelay"
)

const benchUser = "mailsync-bench"

func main() {
	ours := flag.String("mailsync", "bin/mailsync", "the mailsync binary to measure")
	ref := flag.String("ref", "/usr/bin/mailsync", "mailsync 5.2.7, the reference")
	mbsync := flag.String("mbsync", "/usr/bin/mbsync", "mbsync (isync), the second reference of the IMAP suite")
	sizes := flag.String("sizes", envOr("BENCH_SIZES", "1000,5000,50000"), `message counts of the mbox suite ("none" skips it)`)
	refMax := flag.Int("ref-max", envInt("BENCH_REF_MAX", 5000), "mbox suite: run the reference only up to this many messages")
	imapSizes := flag.String("imap-sizes", envOr("BENCH_IMAP_SIZES", "10000"), `message counts of the IMAP suite ("none" skips it)`)
	imapRefMax := flag.Int("imap-ref-max", envInt("BENCH_IMAP_REF_MAX", 2000),
		"IMAP suite: run 5.2.7's initial sync only up to this many messages (above, it starts from ours' result)")
	wanCases := flag.String("wan-cases", envOr("BENCH_WAN_CASES", defaultWANCases),
		`cases of the WAN suite, RTT:MESSAGESxFOLDERS,... ("none" skips it)`)
	wanBandwidth := flag.Int64("wan-bandwidth", int64(envInt("BENCH_WAN_BANDWIDTH", 0)),
		"WAN suite: bandwidth cap of the relay in bytes per second each way (0: none)")
	flagSizes := flag.String("flag-sizes", envOr("BENCH_FLAG_SIZES", "10000"), `message counts of the flag suite ("none" skips it)`)
	flagRTT := flag.Duration("flag-rtt", envDuration("BENCH_FLAG_RTT", 0),
		"flag suite: round trip of a relay put between the programs and Dovecot (0: none, loopback)")
	maildirSizes := flag.String("maildir-sizes", envOr("BENCH_MAILDIR_SIZES", "20000"), `message counts of the Maildir suite ("none" skips it)`)
	timeout := flag.Duration("timeout", 30*time.Minute, "mbox and Maildir suites: limit for one sync")
	imapTimeout := flag.Duration("imap-timeout", 10*time.Minute, "IMAP suite: limit for one sync")
	keep := flag.Bool("keep", false, "keep the temporary directories")
	raw := flag.String("raw-fetch", "", "internal: fetch every message of ACCOUNT (addr,user,password,folder...) and exit")
	flag.Parse()

	if *raw != "" {
		os.Exit(rawFetchMain(*raw))
	}
	mboxNs, err := parseSizes(*sizes)
	if err != nil {
		fatalf("-sizes: %v", err)
	}
	imapNs, err := parseSizes(*imapSizes)
	if err != nil {
		fatalf("-imap-sizes: %v", err)
	}
	maildirNs, err := parseSizes(*maildirSizes)
	if err != nil {
		fatalf("-maildir-sizes: %v", err)
	}
	flagNs, err := parseSizes(*flagSizes)
	if err != nil {
		fatalf("-flag-sizes: %v", err)
	}
	wans, err := parseWANCases(*wanCases)
	if err != nil {
		fatalf("-wan-cases: %v", err)
	}
	if len(mboxNs) == 0 && len(imapNs) == 0 && len(maildirNs) == 0 && len(wans) == 0 && len(flagNs) == 0 {
		fatalf("nothing to do: -sizes, -imap-sizes, -maildir-sizes, -wan-cases and -flag-sizes are all none")
	}
	if *ours, err = filepath.Abs(*ours); err != nil {
		fatalf("%v", err)
	}
	if _, err := os.Stat(*ours); err != nil {
		fatalf("%v (run 'make build' first)", err)
	}
	account, accountErr := benchAccount()
	refNote := toolNote(*ref, accountErr, "scripts/setup.sh installs it")

	ok := true
	if len(mboxNs) > 0 {
		ok = mboxSuite{
			sizes: mboxNs, ours: *ours, ref: *ref, refAccount: account, refNote: refNote,
			refMax: *refMax, timeout: *timeout, keep: *keep,
		}.run()
	}
	if len(imapNs) > 0 {
		if len(mboxNs) > 0 {
			fmt.Println()
		}
		self, err := os.Executable()
		if err != nil {
			fatalf("%v", err)
		}
		imapOK := imapSuite{
			sizes: imapNs, ours: *ours, ref: *ref, mbsync: *mbsync, self: self,
			account: account, refNote: refNote,
			mbsyncNote: toolNote(*mbsync, accountErr, "apt-get install isync"),
			refMax:     *imapRefMax, timeout: *imapTimeout, keep: *keep,
		}.run()
		ok = ok && imapOK
	}
	if len(maildirNs) > 0 {
		if len(mboxNs) > 0 || len(imapNs) > 0 {
			fmt.Println()
		}
		suite := maildirSuite{
			sizes: maildirNs, ours: *ours, mbsync: *mbsync, account: account,
			mbsyncNote: toolNote(*mbsync, accountErr, "apt-get install isync"),
			timeout:    *timeout, keep: *keep,
		}
		if accountErr != nil {
			suite.accountNote = accountErr.Error()
		}
		ok = suite.run() && ok
	}
	if len(wans) > 0 {
		if len(mboxNs) > 0 || len(imapNs) > 0 || len(maildirNs) > 0 {
			fmt.Println()
		}
		ok = wanSuite{
			cases: wans, ours: *ours, mbsync: *mbsync, account: account,
			mbsyncNote: toolNote(*mbsync, accountErr, "apt-get install isync"),
			bandwidth:  *wanBandwidth, timeout: *imapTimeout, keep: *keep,
		}.run() && ok
	}
	if len(flagNs) > 0 {
		fmt.Println()
		ok = flagSuite{imapSuite{
			sizes: flagNs, ours: *ours, mbsync: *mbsync, account: account,
			mbsyncNote: toolNote(*mbsync, accountErr, "apt-get install isync"),
			timeout:    *imapTimeout, keep: *keep,
		}, *flagRTT}.run() && ok
	}
	if !ok {
		os.Exit(1)
	}
}

// toolNote is bin when that reference program can run, else why not.
func toolNote(bin string, accountErr error, install string) string {
	if _, err := os.Stat(bin); err != nil {
		return "not run (" + bin + " not found; " + install + ")"
	}
	if accountErr != nil {
		return "not run (" + accountErr.Error() + ")"
	}
	return bin
}

// benchAccount is the unprivileged user the reference programs run as:
// benchUser (created if needed) for root, the current user otherwise.
func benchAccount() (bench.Account, error) {
	if os.Geteuid() != 0 {
		return bench.Account{}, nil
	}
	a, err := bench.EnsureAccount(benchUser)
	if err != nil {
		return a, fmt.Errorf("cannot create user %s: %w", benchUser, err)
	}
	return a, nil
}

func machine() string {
	return fmt.Sprintf("%d CPUs, %s/%s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

const tmpfsMagic = 0x01021994

// makeBase creates the suite's temporary directory (see the package
// comment) for about need bytes, readable by the reference's user.
func makeBase(need uint64, keep bool) (string, error) {
	base, err := os.MkdirTemp(workDir(need), "mailsync-bench.")
	if err != nil {
		return "", err
	}
	// The reference's user must be able to reach its HOME below base.
	if err := os.Chmod(base, 0o755); err != nil {
		os.RemoveAll(base)
		return "", err
	}
	if keep {
		fmt.Printf("keeping %s\n", base)
	}
	return base, nil
}

// workDir picks the directory for the temporary stores; "" means the
// system temp directory.
func workDir(need uint64) string {
	if d := os.Getenv("BENCH_DIR"); d != "" {
		return d
	}
	var st syscall.Statfs_t
	if syscall.Statfs("/dev/shm", &st) == nil && st.Type == tmpfsMagic &&
		st.Bavail*uint64(st.Bsize) > need {
		return "/dev/shm"
	}
	return ""
}

func fsKind(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown file system"
	}
	if st.Type == tmpfsMagic {
		return "tmpfs"
	}
	return "disk"
}

// measured is one timed run of a program.
type measured struct {
	ran  bool
	res  bench.Result
	link netrelay.Stats // over a relay (the WAN suite): what the run sent through it
}

// parseSizes reads a comma-separated list of message counts; "none" (or
// "0") is the empty list.
func parseSizes(s string) ([]int, error) {
	if t := strings.TrimSpace(s); t == "none" || t == "0" {
		return nil, nil
	}
	var ns []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		ns = append(ns, n)
	}
	if len(ns) == 0 {
		return nil, errors.New(`no sizes (say "none" to skip the suite)`)
	}
	return ns, nil
}

// version is the first line of `bin flag`, or "".
func version(bin string, flag string) string {
	out, _ := exec.Command(bin, flag).CombinedOutput()
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return first
}

// mb formats a size; negative means unknown.
func mb(b int64) string {
	if b < 0 {
		return "? MB"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

func tail(b []byte) string {
	const max = 2000
	if len(b) > max {
		return "..." + string(b[len(b)-max:])
	}
	return string(b)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mailsync-bench: "+format+"\n", args...)
	os.Exit(2)
}
