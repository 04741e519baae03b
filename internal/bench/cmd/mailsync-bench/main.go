// Command mailsync-bench times a first synchronisation of one mbox box of N
// generated messages into an empty local store, with this mailsync and, for
// the smaller sizes, with mailsync 5.2.7 (/usr/bin/mailsync), and checks that
// every message arrived.
//
//	go run ./internal/bench/cmd/mailsync-bench -mailsync bin/mailsync -sizes 1000,5000,50000
//
// 5.2.7 must run as an unprivileged user (its mail library ignores $HOME for
// root): as root the command runs it as the system user mailsync-bench,
// creating that user if needed; as any other user it runs it as that user.
// Each implementation gets its own fresh HOME with the same generated mail.
//
// The work directory is $BENCH_DIR if set, else /dev/shm when it is a tmpfs
// with room for the largest size, else the system temp directory. On a tmpfs
// the figures measure the programs rather than the disk: 5.2.7 rewrites and
// fsyncs the whole destination mbox after every append, so on a slow disk it
// is much slower still.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
)

const (
	seed        = 20240304
	benchUser   = "mailsync-bench"
	channelName = "bench"
	config      = `store src {
	pat	src/%
	prefix	src/
}
store dst {
	pat	dst/%
	prefix	dst/
}
channel bench src dst {
	msinfo	.msinfo
}
`
)

func main() {
	ours := flag.String("mailsync", "bin/mailsync", "the mailsync binary to measure")
	ref := flag.String("ref", "/usr/bin/mailsync", "mailsync 5.2.7, the reference")
	sizes := flag.String("sizes", envOr("BENCH_SIZES", "1000,5000,50000"), "comma-separated message counts")
	refMax := flag.Int("ref-max", envInt("BENCH_REF_MAX", 5000), "run the reference only up to this many messages")
	timeout := flag.Duration("timeout", 30*time.Minute, "limit for one sync")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()

	ns, err := parseSizes(*sizes)
	if err != nil {
		fatalf("-sizes: %v", err)
	}
	if *ours, err = filepath.Abs(*ours); err != nil {
		fatalf("%v", err)
	}
	if _, err := os.Stat(*ours); err != nil {
		fatalf("%v (run 'make build' first)", err)
	}
	refAccount, refNote := referenceAccount(*ref)

	base, err := os.MkdirTemp(workDir(slices.Max(ns)), "mailsync-bench.")
	if err != nil {
		fatalf("%v", err)
	}
	// The reference's user must be able to reach its HOME below base.
	if err := os.Chmod(base, 0o755); err != nil {
		fatalf("%v", err)
	}
	if *keep {
		fmt.Printf("keeping %s\n", base)
	} else {
		defer os.RemoveAll(base)
	}

	fmt.Printf("mailsync benchmark: first sync of one mbox box into an empty store\n")
	fmt.Printf("machine: %d CPUs, %s/%s; ours: %s; reference: %s\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, *ours, refNote)
	fmt.Printf("work dir: %s (%s)\n", base, fsKind(base))

	var rows []row
	failed := false
	for _, n := range ns {
		r, err := benchSize(base, n, *ours, *ref, refAccount, n <= *refMax && refNote == *ref, *timeout)
		if err != nil {
			fmt.Fprintf(os.Stderr, "N=%d: %v\n", n, err)
			failed = true
		}
		rows = append(rows, r)
	}
	printTable(os.Stdout, rows)
	if failed {
		os.Exit(1)
	}
}

const tmpfsMagic = 0x01021994

// workDir picks the directory for the temporary stores (see the package
// comment); "" means the system temp directory.
func workDir(maxN int) string {
	if d := os.Getenv("BENCH_DIR"); d != "" {
		return d
	}
	var st syscall.Statfs_t
	// Three copies of the mail (generated, source, destination) plus slack.
	need := uint64(maxN) * 20_000 * 4
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

// referenceAccount says as whom 5.2.7 runs, or why it does not.
func referenceAccount(ref string) (bench.Account, string) {
	if _, err := os.Stat(ref); err != nil {
		return bench.Account{}, "not run (" + ref + " not found; scripts/setup.sh installs it)"
	}
	if os.Geteuid() != 0 {
		return bench.Account{}, ref
	}
	a, err := bench.EnsureAccount(benchUser)
	if err != nil {
		return a, "not run (cannot create user " + benchUser + ": " + err.Error() + ")"
	}
	return a, ref
}

type measured struct {
	ran bool
	res bench.Result
}

type row struct {
	n          int
	bytes      int64
	ours, ref  measured
	refSkipped string
}

func benchSize(base string, n int, ours, ref string, refAccount bench.Account, runRef bool, timeout time.Duration) (row, error) {
	r := row{n: n}
	dir := filepath.Join(base, strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	start := time.Now()
	src := filepath.Join(dir, "inbox.mbox")
	corpus, err := generate(src, n)
	if err != nil {
		return r, err
	}
	r.bytes = corpus.Bytes
	fmt.Printf("\nN=%d: generated %s (%.1f KB per message) in %.1fs\n",
		n, mb(corpus.Bytes), float64(corpus.Bytes)/float64(n)/1000, time.Since(start).Seconds())

	var errs []error
	r.ours, err = syncOnce(dir, "ours", src, corpus, bench.Account{}, ours, timeout)
	errs = append(errs, err)
	if runRef {
		r.ref, err = syncOnce(dir, "5.2.7", src, corpus, refAccount, ref, timeout)
		errs = append(errs, err)
	} else {
		r.refSkipped = "-"
	}
	return r, errors.Join(errs...)
}

func generate(path string, n int) (bench.Corpus, error) {
	f, err := os.Create(path)
	if err != nil {
		return bench.Corpus{}, err
	}
	c, err := bench.Generate(f, n, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return c, err
}

// syncOnce makes a fresh HOME holding src/inbox (a copy of the generated
// mbox), an empty dst/ and the config, runs one sync there and checks it.
func syncOnce(dir, label, mbox string, corpus bench.Corpus, account bench.Account, bin string, timeout time.Duration) (measured, error) {
	var m measured
	home := filepath.Join(dir, label)
	for _, d := range []string{filepath.Join(home, "src"), filepath.Join(home, "dst")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return m, err
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".mailsync"), []byte(config), 0o600); err != nil {
		return m, err
	}
	if err := copyFile(mbox, filepath.Join(home, "src", "inbox")); err != nil {
		return m, err
	}
	if err := bench.Chown(home, account); err != nil {
		return m, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := bench.Run(ctx, account, home, bin, channelName)
	m.ran, m.res = err == nil, res
	fmt.Printf("N=%d %-5s  %8.2fs wall  %8.2fs cpu  peak RSS %s  exit %d\n",
		len(corpus.IDs), label, res.Wall.Seconds(), res.CPU.Seconds(), mb(res.MaxRSS), res.Exit)
	if err != nil {
		return m, fmt.Errorf("%s: %v", label, err)
	}
	if err := check(home, corpus, res); err != nil {
		m.ran = false
		return m, fmt.Errorf("%s: wrong result: %v\nstdout:\n%s\nstderr:\n%s", label, err, tail(res.Stdout), tail(res.Stderr))
	}
	fmt.Printf("N=%d %-5s  ok: %d messages in dst/inbox, %d still in src/inbox, %d ids in the msinfo\n",
		len(corpus.IDs), label, len(corpus.IDs), len(corpus.IDs), len(corpus.IDs))
	return m, nil
}

// check verifies the outcome of the sync: exit status 0, the summary line,
// exactly the generated messages on both sides, and every id in the msinfo.
func check(home string, corpus bench.Corpus, res bench.Result) error {
	if res.Exit != 0 {
		return fmt.Errorf("exit status %d", res.Exit)
	}
	n := len(corpus.IDs)
	want := fmt.Sprintf("%d copied src->dst.", n)
	if !strings.Contains(string(res.Stdout), want) {
		return fmt.Errorf("stdout lacks %q", want)
	}
	sorted := slices.Sorted(slices.Values(corpus.IDs))
	for _, box := range []string{"src/inbox", "dst/inbox"} {
		m, err := bench.ScanMbox(filepath.Join(home, box))
		if err != nil {
			return err
		}
		got := slices.Sorted(slices.Values(m.IDs))
		if !slices.Equal(got, sorted) {
			return fmt.Errorf("%s holds %d messages, want the %d generated ones", box, len(got), n)
		}
	}
	info, err := os.ReadFile(filepath.Join(home, ".msinfo"))
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(info), "\n") {
		have[strings.TrimSuffix(line, "\r")] = true
	}
	for _, id := range corpus.IDs {
		if !have[id] {
			return fmt.Errorf("msinfo lacks %s", id)
		}
	}
	return nil
}

func printTable(w io.Writer, rows []row) {
	const format = "%8s  %9s  %9s  %9s  %9s  %9s  %9s  %9s  %7s\n"
	fmt.Fprintf(w, "\n"+format, "messages", "mbox", "ours", "ours cpu", "ours RSS", "5.2.7", "5.2.7 cpu", "5.2.7 RSS", "ratio")
	for _, r := range rows {
		ours, ref := cells(r.ours), cells(r.ref)
		if r.refSkipped != "" {
			ref = [3]string{r.refSkipped, "-", "-"}
		}
		ratio := "-"
		if r.ours.ran && r.ref.ran {
			ratio = fmt.Sprintf("%.1fx", r.ref.res.Wall.Seconds()/r.ours.res.Wall.Seconds())
		}
		fmt.Fprintf(w, format, strconv.Itoa(r.n), mb(r.bytes), ours[0], ours[1], ours[2], ref[0], ref[1], ref[2], ratio)
	}
	fmt.Fprintln(w, "wall = elapsed time of the sync; cpu = its user+system time; RSS = its peak resident set size;")
	fmt.Fprintln(w, "ratio = 5.2.7 wall time / ours")
}

// cells formats wall time, CPU time and peak RSS of one run.
func cells(m measured) [3]string {
	if !m.ran {
		return [3]string{"failed", "-", "-"}
	}
	return [3]string{fmt.Sprintf("%.2fs", m.res.Wall.Seconds()), fmt.Sprintf("%.2fs", m.res.CPU.Seconds()), mb(m.res.MaxRSS)}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func parseSizes(s string) ([]int, error) {
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
		return nil, errors.New("no sizes")
	}
	return ns, nil
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

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

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mailsync-bench: "+format+"\n", args...)
	os.Exit(2)
}
