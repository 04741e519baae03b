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
	"syscall"
	"time"
)

// The flag suite (-flag-sizes, $BENCH_FLAG_SIZES): issue 15's flag-change
// case. The IMAP suite's N messages in 5 folders on a private Dovecot;
// ours with "flags sync" (mbox files, then Maildirs) and mbsync (which
// synchronises flags by default) each make the initial sync, then 1% of
// the messages are flagged on the server (\Flagged) and another 1% read
// on the local side (mbox Status: RO, Maildir S), and the timed flag
// sync follows; then the same flags are cleared and synchronised, and set
// again (flagRounds: the fastest flag sync counts); then a no-op. After each step every message's flags
// (\Seen, \Answered, \Flagged, \Draft) are compared on both sides.
// With a round trip (-flag-rtt) the programs reach Dovecot through a
// relay that delays each way by half of it (netrelay, as the WAN suite);
// the changes and checks go to Dovecot directly.

// flagSuite is what the flag suite runs; it borrows the IMAP suite's
// sync. rtt, when not 0, is the relay's round trip.
type flagSuite struct {
	imapSuite
	rtt time.Duration
}

// flagPhases are the timed steps of the flag suite.
var flagPhases = [3]string{"initial", "flag sync", "no-op after"}

// flagResult is what one program did at one size.
type flagResult struct {
	tool
	phase [3]measured
	err   error
}

// flagRow is the outcome of one size.
type flagRow struct {
	n, k  int
	bytes int64
	tools []flagResult
}

func (s flagSuite) run() bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	base, err := makeBase(uint64(slices.Max(s.sizes))*20_000*8, s.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flag suite: %v\n", err)
		return false
	}
	if !s.keep {
		defer os.RemoveAll(base)
	}
	fmt.Printf("mailsync flag benchmark: Dovecot <-> local store, N messages in %d folders, 1%% flagged on the server and 1%% read locally\n", len(imapFolders))
	fmt.Printf("machine: %s; Dovecot %s\n", machine(), version("dovecot", "--version"))
	fmt.Printf("ours: %s with \"flags sync\" (mbox files, and Maildirs as \"ours-maildir\")\n", s.ours)
	fmt.Printf("mbsync: %s (Maildir; Sync All, flags included)\n", noteVersion(s.mbsyncNote, s.mbsync, "--version"))
	if s.rtt > 0 {
		fmt.Printf("link: the programs reach Dovecot through a relay with a %v round trip\n", s.rtt)
	}
	var rows []flagRow
	ok := true
	for _, n := range s.sizes {
		r, err := s.size(ctx, base, n)
		if err != nil {
			fmt.Fprintf(os.Stderr, "flags N=%d: %v\n", n, err)
			ok = false
		}
		rows = append(rows, r)
		if ctx.Err() != nil {
			break
		}
	}
	printFlagTable(os.Stdout, rows, s.rtt)
	return ok
}

// size runs the suite for n messages; the Dovecot it starts is stopped
// before it returns.
func (s flagSuite) size(ctx context.Context, base string, n int) (row flagRow, err error) {
	row = flagRow{n: n}
	dir := filepath.Join(base, "flags-"+strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	p, err := makePlan(n)
	if err != nil {
		return row, err
	}
	fp := makeFlagPlan(p)
	row.k, row.bytes = p.k, p.bytes
	tools := []tool{
		{label: "ours", user: "ours", bin: s.ours, flagSync: true},
		{label: "ours-maildir", user: "oursmd", bin: s.ours, maildir: true, flagSync: true},
		{label: "mbsync", user: "mbsync", account: s.account, mbsync: true, maildir: true},
	}
	tools[2].bin, tools[2].note = runnable(s.mbsync, s.mbsyncNote)
	srv, users, took, err := launchLoaded(ctx, dir, p, tools)
	if err != nil {
		return row, err
	}
	defer func() {
		if serr := srv.Stop(); serr != nil {
			err = errors.Join(err, fmt.Errorf("stop dovecot: %w", serr))
		}
	}()
	fmt.Printf("\nflags N=%d: Dovecot on %s, %d users loaded in %.1fs; %d flagged on the server, %d read locally\n",
		n, srv.Addr(), len(users), took.Seconds(), p.k, p.k)
	var errs []error
	for _, t := range tools {
		fr := flagResult{tool: t}
		if t.bin == "" {
			fr.err = errors.New(t.note)
		} else {
			fr = s.runFlagTool(ctx, dir, srv, p, fp, t)
			errs = append(errs, fr.err)
		}
		row.tools = append(row.tools, fr)
		if ctx.Err() != nil {
			break
		}
	}
	return row, errors.Join(errs...)
}
