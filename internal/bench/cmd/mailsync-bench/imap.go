package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
)

// The IMAP suite. For each size N it generates N messages (the mbox
// suite's generator and seed), spreads them over 5 folders, starts one
// private Dovecot with a user per program holding identical mail (loaded
// as Maildir files plus doveadm force-resync), and then:
//
//   - raw: the floor, a child process of this command that selects each
//     folder and runs one UID FETCH 1:* BODY.PEEK[], discarding bodies;
//   - for ours (mbox, then Maildir), mbsync and 5.2.7 in turn, each with
//     a fresh HOME: the
//     initial sync into an empty local store, a no-op re-sync, then 1% of
//     N new and 1% deleted on the server (IMAP expunge, Maildir files +
//     force-resync) and another 1% new and deleted on the local side (the
//     mbox files, or mbsync's Maildirs), and the re-sync; after every step
//     both sides are checked message by message.
//
// 5.2.7's initial sync takes minutes (it rewrites the local mbox after
// every append); above -imap-ref-max it is skipped and 5.2.7 starts from
// a copy of ours' synchronised local store and msinfo (the same format),
// after one untimed run of its own that adopts them (it rewrites every
// mbox once to add its status headers), so that its no-op and re-sync are
// still measured.

// imapSuite is what the IMAP suite runs.
type imapSuite struct {
	sizes                   []int
	ours, ref, mbsync, self string
	account                 bench.Account // runs 5.2.7 and mbsync
	refNote, mbsyncNote     string        // the program, or why it does not run
	refMax                  int
	timeout                 time.Duration
	keep                    bool
	// Over a relay (the WAN suite): the programs connect to link rather
	// than to Dovecot, each run records what it sent through it, and
	// every sync waits pause (instead of settle) after the previous step.
	link  *netrelay.Relay
	pause time.Duration
}

var phaseNames = [3]string{"initial", "no-op", "1% re-sync"}

// toolResult is what one program did at one size.
type toolResult struct {
	tool
	phase     [3]measured
	phaseNote [3]string // why a phase has no figure
	// noops are all the no-op runs in order (phase[1] is the fastest):
	// the first follows the initial sync, the others follow a no-op.
	noops []measured
	err   error
}

// imapRow is the outcome of one size.
type imapRow struct {
	n, k  int
	bytes int64
	// raw is the floor's first run: like every program's initial sync
	// it is the first access to a freshly loaded account (Dovecot parses
	// the messages then). rawWarm is its best run of noopRuns.
	raw, rawWarm measured
	rawNote      string
	tools        []toolResult
}

func (s imapSuite) run() bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Four server copies, three local ones, a seed copy, slack.
	base, err := makeBase(uint64(slices.Max(s.sizes))*20_000*10, s.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "IMAP suite: %v\n", err)
		return false
	}
	if !s.keep {
		defer os.RemoveAll(base)
	}
	fmt.Printf("mailsync IMAP benchmark: Dovecot -> empty local store, N messages in %d folders (%s)\n",
		len(imapFolders), strings.Join(imapFolders, ", "))
	fmt.Printf("machine: %s; Dovecot %s\n", machine(), version("dovecot", "--version"))
	fmt.Printf("ours: %s (local side: mbox files, and Maildirs as \"ours-maildir\")\n", s.ours)
	fmt.Printf("mbsync: %s (local side: Maildir; mbsync writes no mbox)\n", noteVersion(s.mbsyncNote, s.mbsync, "--version"))
	fmt.Printf("5.2.7: %s (local side: mbox files; initial sync only up to %d messages)\n", s.refNote, s.refMax)
	fmt.Printf("work dir: %s (%s)\n", base, fsKind(base))
	fmt.Printf("memory: %s\n", bench.RSSMethod())

	var rows []imapRow
	ok := true
	for _, n := range s.sizes {
		r, err := s.size(ctx, base, n)
		if err != nil {
			fmt.Fprintf(os.Stderr, "IMAP N=%d: %v\n", n, err)
			ok = false
		}
		rows = append(rows, r)
		if ctx.Err() != nil {
			break
		}
	}
	printIMAPTable(os.Stdout, rows)
	return ok
}

func noteVersion(note, bin, flag string) string {
	if note != bin {
		return note
	}
	return bin + " (" + version(bin, flag) + ")"
}

// size runs the suite for n messages. The Dovecot it starts is stopped
// before it returns.
func (s imapSuite) size(ctx context.Context, base string, n int) (row imapRow, err error) {
	row = imapRow{n: n}
	dir := filepath.Join(base, strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	start := time.Now()
	p, err := makePlan(n)
	if err != nil {
		return row, err
	}
	row.k, row.bytes = p.k, p.bytes
	fmt.Printf("\nN=%d: generated %s (%.1f KB per message) in %.1fs; 1%% change = %d new + %d deleted on each side\n",
		n, mb(p.bytes), float64(p.bytes)/float64(n)/1000, time.Since(start).Seconds(), p.k, p.k)

	tools := []tool{
		{label: "ours", user: "ours", bin: s.ours},
		{label: "ours-maildir", user: "oursmd", bin: s.ours, maildir: true},
		{label: "mbsync", user: "mbsync", account: s.account, mbsync: true, maildir: true},
		{label: "5.2.7", user: "ref", account: s.account},
	}
	tools[2].bin, tools[2].note = runnable(s.mbsync, s.mbsyncNote)
	tools[3].bin, tools[3].note = runnable(s.ref, s.refNote)
	srv, users, took, err := launchLoaded(ctx, dir, p, tools, dovecot.User{Name: "raw", Password: "raw-secret"})
	if err != nil {
		return row, err
	}
	defer func() {
		if serr := srv.Stop(); serr != nil {
			err = errors.Join(err, fmt.Errorf("stop dovecot: %w", serr))
		}
	}()
	fmt.Printf("N=%d: Dovecot on %s, %d users loaded with the same mail in %.1fs\n",
		n, srv.Addr(), len(users), took.Seconds())

	var errs []error
	row.raw, row.rawWarm, err = s.rawFetch(ctx, dir, srv, n)
	errs = append(errs, err)
	// Above -imap-ref-max 5.2.7 starts from ours' synchronised state.
	seedRef := n > s.refMax && tools[3].bin != ""
	seed := ""
	for _, t := range tools {
		var tr toolResult
		switch {
		case t.bin == "":
			tr = toolResult{tool: t, err: errors.New(t.note)}
		case t.label == "5.2.7" && seedRef && seed == "":
			tr = toolResult{tool: t, err: errors.New("initial sync skipped, and ours left no state to start from")}
			errs = append(errs, tr.err)
		default:
			snapshot := ""
			if t.label == "ours" && seedRef {
				snapshot = filepath.Join(dir, "seed")
			}
			useSeed := ""
			if t.label == "5.2.7" {
				useSeed = seed
			}
			tr = s.runTool(ctx, dir, srv, p, t, useSeed, snapshot)
			errs = append(errs, tr.err)
			if snapshot != "" && tr.phase[0].ran {
				seed = snapshot
			}
		}
		row.tools = append(row.tools, tr)
		if ctx.Err() != nil {
			break
		}
	}
	return row, errors.Join(errs...)
}

// runnable splits a tool note into the binary (when it runs) or the note.
func runnable(bin, note string) (string, string) {
	if note == bin {
		return bin, ""
	}
	return "", note
}

// load puts the messages of each folder into a's Maildir and indexes them.
func load(ctx context.Context, a *dovecot.Account, folders []string, perFolder [][]bench.Mail) error {
	for f, mails := range perFolder {
		msgs := make([]dovecot.Message, len(mails))
		for i, m := range mails {
			msgs[i] = dovecot.Message{Raw: m.Raw, Flags: m.Flags, Time: m.Time}
		}
		if err := a.LoadMessages(ctx, folders[f], msgs); err != nil {
			return err
		}
	}
	return nil
}

// rawFetch runs the floor noopRuns times (it changes nothing) and
// returns the first run (cold: the account's first access, as every
// initial sync is) and the fastest run (warm).
func (s imapSuite) rawFetch(ctx context.Context, dir string, srv *dovecot.Server, n int) (cold, best measured, err error) {
	home := filepath.Join(dir, "raw")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return cold, best, err
	}
	for i := range noopRuns {
		m, err := s.rawFetchOnce(ctx, home, srv, n)
		if err != nil {
			return measured{}, measured{}, err
		}
		if i == 0 {
			cold = m
		}
		if !best.ran || m.res.Wall < best.res.Wall {
			best = m
		}
	}
	return cold, best, nil
}

// rawFetchOnce runs the floor as a child process (so that its peak RSS is
// its own) and checks that it saw all n messages.
func (s imapSuite) rawFetchOnce(ctx context.Context, home string, srv *dovecot.Server, n int) (measured, error) {
	var m measured
	a := srv.Account("raw")
	spec := strings.Join(append([]string{srv.Addr(), a.Name, a.Password}, imapFolders...), ",")
	rctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := bench.Run(rctx, bench.Account{}, home, s.self, "-raw-fetch", spec)
	printRun(n, "raw", "fetch", res)
	if err != nil {
		return m, fmt.Errorf("raw fetch: %w", err)
	}
	var got int
	var bytes int64
	if _, serr := fmt.Sscanf(string(res.Stdout), "fetched %d messages, %d bytes", &got, &bytes); serr != nil || res.Exit != 0 || got != n {
		return m, fmt.Errorf("raw fetch: exit %d, want %d messages\nstdout:\n%s\nstderr:\n%s", res.Exit, n, tail(res.Stdout), tail(res.Stderr))
	}
	return measured{ran: true, res: res}, nil
}

// rawFetchMain is the child of rawFetch: spec is addr,user,password,folder....
func rawFetchMain(spec string) int {
	f := strings.Split(spec, ",")
	if len(f) < 4 {
		fmt.Fprintf(os.Stderr, "mailsync-bench: -raw-fetch wants addr,user,password,folder...\n")
		return 2
	}
	st, err := bench.RawFetch(context.Background(), bench.IMAPAccount{Addr: f[0], User: f[1], Password: f[2]}, f[3:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "mailsync-bench: raw fetch: %v\n", err)
		return 1
	}
	fmt.Printf("fetched %d messages, %d bytes\n", st.Messages, st.Bytes)
	return 0
}

func printRun(n int, label, phase string, res bench.Result) {
	fmt.Printf("N=%d %-12s %-10s %8.2fs wall %8.2fs cpu  peak RSS %9s  exit %d\n",
		n, label, phase, res.Wall.Seconds(), res.CPU.Seconds(), mb(res.MaxRSS), res.Exit)
}

// launchLoaded starts a private Dovecot in dir/dovecot with the accounts
// extra and one per tool that runs, each loaded with p's initial mail,
// and returns the accounts and how long the loading took. The caller
// stops the server; on an error it is stopped here.
func launchLoaded(ctx context.Context, dir string, p *plan, tools []tool, extra ...dovecot.User) (*dovecot.Server, []dovecot.User, time.Duration, error) {
	users := extra
	for _, t := range tools {
		if t.bin != "" {
			users = append(users, dovecot.User{Name: t.user, Password: t.user + "-secret"})
		}
	}
	srv, err := dovecot.Launch(ctx, dovecot.Options{Users: users}, filepath.Join(dir, "dovecot"))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("start dovecot: %w", err)
	}
	start := time.Now()
	for _, u := range users {
		if err := load(ctx, srv.Account(u.Name), p.folders, p.initial); err != nil {
			return nil, nil, 0, errors.Join(err, srv.Stop())
		}
	}
	return srv, users, time.Since(start), nil
}
