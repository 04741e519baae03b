package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
)

// The mbox suite: a first sync of one generated mbox box into an empty
// local store, ours against 5.2.7.

const (
	seed        = 20240304
	channelName = "bench"
	mboxConfig  = `store src {
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

// mboxSuite is what the mbox suite runs.
type mboxSuite struct {
	sizes      []int
	ours, ref  string
	refAccount bench.Account
	refNote    string // ref, or why it does not run
	refMax     int
	timeout    time.Duration
	keep       bool
}

// run runs the suite and prints its table; it reports whether every
// size succeeded.
func (s mboxSuite) run() bool {
	base, err := makeBase(uint64(slices.Max(s.sizes))*20_000*4, s.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mbox suite: %v\n", err)
		return false
	}
	if !s.keep {
		defer os.RemoveAll(base)
	}
	fmt.Printf("mailsync benchmark: first sync of one mbox box into an empty store\n")
	fmt.Printf("machine: %s; ours: %s; reference: %s\n", machine(), s.ours, s.refNote)
	fmt.Printf("work dir: %s (%s)\n", base, fsKind(base))
	fmt.Printf("memory: %s\n", bench.RSSMethod())

	var rows []row
	ok := true
	for _, n := range s.sizes {
		r, err := benchSize(base, n, s.ours, s.ref, s.refAccount, n <= s.refMax && s.refNote == s.ref, s.timeout)
		if err != nil {
			fmt.Fprintf(os.Stderr, "N=%d: %v\n", n, err)
			ok = false
		}
		rows = append(rows, r)
	}
	printTable(os.Stdout, rows)
	return ok
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
	if err := os.WriteFile(filepath.Join(home, ".mailsync"), []byte(mboxConfig), 0o600); err != nil {
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
	if err := checkMbox(home, corpus, res); err != nil {
		m.ran = false
		return m, fmt.Errorf("%s: wrong result: %v\nstdout:\n%s\nstderr:\n%s", label, err, tail(res.Stdout), tail(res.Stderr))
	}
	fmt.Printf("N=%d %-5s  ok: %d messages in dst/inbox, %d still in src/inbox, %d ids in the msinfo\n",
		len(corpus.IDs), label, len(corpus.IDs), len(corpus.IDs), len(corpus.IDs))
	return m, nil
}

// checkMbox verifies the outcome of the sync: exit status 0, the summary line,
// exactly the generated messages on both sides, and every id in the msinfo.
func checkMbox(home string, corpus bench.Corpus, res bench.Result) error {
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
