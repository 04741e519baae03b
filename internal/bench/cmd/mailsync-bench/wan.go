package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
)

// The WAN suite (doc/design/wan.md): the IMAP suite's steps over a slow
// link. For each case it starts a private Dovecot holding N messages
// spread evenly over F folders (INBOX, f001, f002, ...), puts a
// netrelay.Relay with half the case's round-trip time each way in front
// of it, and measures through the relay:
//
//   - raw: bench.PipelinedFetch, the floor: log in, then one batch of
//     EXAMINE and UID FETCH 1:* BODY.PEEK[] for every folder;
//   - ours (mbox files) and mbsync (Maildirs), each with a fresh HOME and
//     its own Dovecot user: the initial sync, a no-op (the best of
//     noopRuns) and the 1% re-sync of the IMAP suite, both sides checked
//     after each step (directly, not through the relay).
//
// Each run's round trips are counted by the relay. Every sync starts
// wanPause after the previous step, as a cron job's would: past mbsync's
// one-second Maildir wait and ours' racy window for file times.

// wanCase is one link and one mailbox shape.
type wanCase struct {
	rtt        time.Duration
	n, folders int
}

func (c wanCase) String() string { return fmt.Sprintf("%v:%dx%d", c.rtt, c.n, c.folders) }

// defaultWANCases are issue 17's cases.
const defaultWANCases = "50ms:2000x50,150ms:2000x50,50ms:5000x500"

// wanPause is the pause before every sync of the WAN suite.
const wanPause = 3 * time.Second

// parseWANCases reads a comma-separated list of RTT:MESSAGESxFOLDERS
// ("50ms:2000x50"); "none" is the empty list.
func parseWANCases(s string) ([]wanCase, error) {
	if t := strings.TrimSpace(s); t == "none" || t == "" {
		return nil, nil
	}
	var cases []wanCase
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		rtt, shape, ok1 := strings.Cut(f, ":")
		n, folders, ok2 := strings.Cut(shape, "x")
		c := wanCase{}
		var err1, err2, err3 error
		c.rtt, err1 = time.ParseDuration(rtt)
		c.n, err2 = strconv.Atoi(n)
		c.folders, err3 = strconv.Atoi(folders)
		if !ok1 || !ok2 || errors.Join(err1, err2, err3) != nil || c.rtt < 0 || c.n <= 0 || c.folders <= 0 || c.folders > c.n {
			return nil, fmt.Errorf("bad case %q (want RTT:MESSAGESxFOLDERS, e.g. 50ms:2000x50, at least one message per folder)", f)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// wanFolders names f folders: INBOX, f001, f002, ...
func wanFolders(f int) []string {
	out := []string{"INBOX"}
	for i := 1; i < f; i++ {
		out = append(out, fmt.Sprintf("f%03d", i))
	}
	return out
}

// wanSuite is what the WAN suite runs.
type wanSuite struct {
	cases      []wanCase
	ours       string
	mbsync     string
	mbsyncNote string        // the program, or why it does not run
	account    bench.Account // runs mbsync
	bandwidth  int64         // bytes per second each way; 0: no cap
	timeout    time.Duration
	keep       bool
}

// wanRow is the outcome of one case.
type wanRow struct {
	c            wanCase
	k            int
	bytes        int64
	raw, rawWarm measured // the floor: first run (cold) and best of noopRuns
	tools        []toolResult
}

func (s wanSuite) run() bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	need := uint64(0)
	for _, c := range s.cases {
		need = max(need, uint64(c.n)*20_000*6)
	}
	base, err := makeBase(need, s.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "WAN suite: %v\n", err)
		return false
	}
	if !s.keep {
		defer os.RemoveAll(base)
	}
	fmt.Println("mailsync WAN benchmark: Dovecot behind a latency relay -> empty local store")
	fmt.Printf("machine: %s; Dovecot %s\n", machine(), version("dovecot", "--version"))
	fmt.Printf("ours: %s (local side: mbox files)\n", s.ours)
	fmt.Printf("mbsync: %s (local side: Maildir)\n", noteVersion(s.mbsyncNote, s.mbsync, "--version"))
	fmt.Printf("link: %s; every sync starts %v after the previous step\n", bandwidthNote(s.bandwidth), wanPause)
	fmt.Printf("work dir: %s (%s)\n", base, fsKind(base))

	var rows []wanRow
	ok := true
	for _, c := range s.cases {
		r, err := s.runCase(ctx, base, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "WAN %v: %v\n", c, err)
			ok = false
		}
		rows = append(rows, r)
		if ctx.Err() != nil {
			break
		}
	}
	printWANTable(os.Stdout, rows, s.bandwidth)
	return ok
}

func bandwidthNote(bw int64) string {
	if bw <= 0 {
		return "no bandwidth cap"
	}
	return fmt.Sprintf("%.1f MB/s each way", float64(bw)/1e6)
}

// runCase runs one case. The Dovecot and the relay it starts are stopped
// before it returns.
func (s wanSuite) runCase(ctx context.Context, base string, c wanCase) (row wanRow, err error) {
	row = wanRow{c: c}
	dir := filepath.Join(base, fmt.Sprintf("rtt%d-%dx%d", c.rtt.Milliseconds(), c.n, c.folders))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	folders := wanFolders(c.folders)
	p, err := makePlanIn(c.n, folders, func(i int) int { return i % c.folders })
	if err != nil {
		return row, err
	}
	row.k, row.bytes = p.k, p.bytes
	fmt.Printf("\n%v: %d messages (%s) in %d folders, RTT %v; 1%% change = %d new + %d deleted on each side\n",
		c, c.n, mb(p.bytes), c.folders, c.rtt, p.k, p.k)

	tools := []tool{
		{label: "ours", user: "ours", bin: s.ours},
		{label: "mbsync", user: "mbsync", account: s.account, mbsync: true, maildir: true},
	}
	tools[1].bin, tools[1].note = runnable(s.mbsync, s.mbsyncNote)
	srv, users, took, err := launchLoaded(ctx, dir, p, tools, dovecot.User{Name: "raw", Password: "raw-secret"})
	if err != nil {
		return row, err
	}
	defer func() {
		if serr := srv.Stop(); serr != nil {
			err = errors.Join(err, fmt.Errorf("stop dovecot: %w", serr))
		}
	}()
	relay, err := netrelay.Start(ctx, srv.Addr(), c.rtt/2, s.bandwidth)
	if err != nil {
		return row, err
	}
	defer relay.Stop()
	fmt.Printf("%v: Dovecot on %s behind the relay on %s, %d users loaded in %.1fs\n",
		c, srv.Addr(), relay.Addr(), len(users), took.Seconds())

	var errs []error
	row.raw, row.rawWarm, err = pipelinedFetch(ctx, srv, relay, p)
	errs = append(errs, err)
	run := imapSuite{timeout: s.timeout, link: relay, pause: wanPause}
	for _, t := range tools {
		var tr toolResult
		if t.bin == "" {
			tr = toolResult{tool: t, err: errors.New(t.note)}
		} else {
			tr = run.runTool(ctx, dir, srv, p, t, "", "")
			errs = append(errs, tr.err)
		}
		row.tools = append(row.tools, tr)
		if ctx.Err() != nil {
			break
		}
	}
	return row, errors.Join(errs...)
}

// pipelinedFetch runs the floor through the relay noopRuns times and
// returns the first run (cold, the account's first access, as for every
// initial sync) and the fastest. It runs in this process: its memory is
// not measured.
func pipelinedFetch(ctx context.Context, srv *dovecot.Server, relay *netrelay.Relay, p *plan) (cold, best measured, err error) {
	a := srv.Account("raw")
	acct := bench.IMAPAccount{Addr: relay.Addr(), User: a.Name, Password: a.Password}
	for i := range noopRuns {
		before := relay.Stats()
		began := time.Now()
		st, err := bench.PipelinedFetch(ctx, acct, p.folders)
		m := measured{res: bench.Result{Wall: time.Since(began), MaxRSS: -1}, link: relay.Stats().Sub(before)}
		printLinkRun(p.n, "raw", "fetch", m.res, m.link)
		if err != nil {
			return cold, best, fmt.Errorf("pipelined fetch: %w", err)
		}
		if st.Messages != p.n {
			return cold, best, fmt.Errorf("pipelined fetch: %d messages, want %d", st.Messages, p.n)
		}
		m.ran = true
		if i == 0 {
			cold = m
		}
		if !best.ran || m.res.Wall < best.res.Wall {
			best = m
		}
	}
	return cold, best, nil
}

func printLinkRun(n int, label, phase string, res bench.Result, l netrelay.Stats) {
	fmt.Printf("N=%d %-12s %-10s %8.2fs wall %8.2fs cpu %6d round trips (%d conn, %d turns) %9s down  exit %d\n",
		n, label, phase, res.Wall.Seconds(), res.CPU.Seconds(), l.RoundTrips(), l.Connections, l.Turns, mb(l.BytesDown), res.Exit)
}
