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
)

// The Maildir suite. For each size N it generates N messages (the mbox
// suite's generator and seed) spread over the IMAP suite's 5 folders, and
// for ours and mbsync in turn, each in a fresh HOME with identical mail:
//
//   - ~/src holds the 5 folders as Maildirs in the nested layout
//     (~/src/INBOX, ~/src/work, ...: mbsync's "SubFolders Verbatim"), every
//     message in cur/ with its flags, as a mail reader leaves them; ~/dst
//     is an empty directory;
//   - the initial sync src -> dst, a no-op re-sync (the best of noopRuns),
//     then 1% of N new and 1% deleted on each side (Maildir files, as a
//     delivery agent and a mail reader would) and the re-sync; after every
//     step both sides are checked message by message (bench.ScanMaildir).
//
// The change of the IMAP suite's plan is reused: its "server" side is
// ~/src, its "local" side ~/dst. Both programs run as the bench user.
// Before every sync the command flushes the file systems (sync(2), so that
// no program pays for the writeback of the set-up) and waits settle.

// maildirSuite is what the Maildir suite runs.
type maildirSuite struct {
	sizes        []int
	ours, mbsync string
	account      bench.Account // runs both programs
	accountNote  string        // why account is not the bench user, or ""
	mbsyncNote   string        // mbsync, or why it does not run
	timeout      time.Duration
	keep         bool
}

// mdProgram is one program of the Maildir suite.
type mdProgram struct {
	label  string // "ours", "mbsync"
	bin    string // "" when it cannot run
	note   string // why it does not run
	mbsync bool
}

// mdResult is what one program did at one size.
type mdResult struct {
	mdProgram
	phase     [3]measured
	phaseNote [3]string // why a phase has no figure
	err       error
}

// maildirRow is the outcome of one size.
type maildirRow struct {
	n, k    int
	bytes   int64
	results []mdResult
}

// durability says what each program makes durable per message; see the
// package comment of internal/store/maildir and mbsync's FSync option.
const durability = `durability: ours fsyncs every message file before moving it into cur/ or new/, and each changed
            directory once per box before the msinfo records the box;
            mbsync (FSync yes, its default) fsyncs every message file before renaming it into cur/ or new/
            and fdatasyncs its UID counter (.uidvalidity), but fsyncs no directory`

func (s maildirSuite) run() bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Two programs, each a source and a destination copy, plus slack.
	base, err := makeBase(uint64(slices.Max(s.sizes))*20_000*6, s.keep)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Maildir suite: %v\n", err)
		return false
	}
	if !s.keep {
		defer os.RemoveAll(base)
	}
	fmt.Printf("mailsync Maildir benchmark: Maildir -> empty Maildir, N messages in %d folders (%s), nested layout\n",
		len(imapFolders), strings.Join(imapFolders, ", "))
	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("ours: %s\n", s.ours)
	fmt.Printf("mbsync: %s\n", noteVersion(s.mbsyncNote, s.mbsync, "--version"))
	who := "the current user"
	if !s.account.IsCurrent() {
		who = "user " + s.account.Name
	}
	if s.accountNote != "" {
		who += " (" + s.accountNote + ")"
	}
	fmt.Printf("both run as %s\n", who)
	fmt.Println(durability)
	fmt.Printf("work dir: %s (%s%s)\n", base, fsKind(base), fsNote(base))
	fmt.Printf("memory: %s\n", bench.RSSMethod())

	var rows []maildirRow
	ok := true
	for _, n := range s.sizes {
		r, err := s.size(ctx, base, n)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Maildir N=%d: %v\n", n, err)
			ok = false
		}
		rows = append(rows, r)
		if ctx.Err() != nil {
			break
		}
	}
	printMaildirTable(os.Stdout, rows, fsKind(base))
	return ok
}

// fsNote warns that fsync costs next to nothing on a tmpfs.
func fsNote(dir string) string {
	if fsKind(dir) == "tmpfs" {
		return ": fsync is nearly free here; set BENCH_DIR to a directory on disk to count it"
	}
	return ""
}

// size runs the suite for n messages.
func (s maildirSuite) size(ctx context.Context, base string, n int) (maildirRow, error) {
	row := maildirRow{n: n}
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
	progs := []mdProgram{{label: "ours", bin: s.ours}, {label: "mbsync", mbsync: true}}
	progs[1].bin, progs[1].note = runnable(s.mbsync, s.mbsyncNote)
	// Every HOME is written before the first sync, so that both programs
	// start from the same state of the page cache and the disk.
	for _, prog := range progs {
		if prog.bin == "" {
			continue
		}
		if err := s.setup(filepath.Join(dir, prog.label), prog, p); err != nil {
			return row, fmt.Errorf("%s: set up: %w", prog.label, err)
		}
	}
	fmt.Printf("\nN=%d: generated %s (%.1f KB per message) and wrote a source Maildir per program in %.1fs; 1%% change = %d new + %d deleted on each side\n",
		n, mb(p.bytes), float64(p.bytes)/float64(n)/1000, time.Since(start).Seconds(), p.k, p.k)
	fmt.Printf("N=%d: load average %s (other work on this machine slows the runs down)\n", n, loadAverage())

	var errs []error
	for _, prog := range progs {
		r := mdResult{mdProgram: prog}
		if prog.bin == "" {
			r.err = errors.New(prog.note)
		} else {
			r = s.runProgram(ctx, filepath.Join(dir, prog.label), p, prog)
			errs = append(errs, r.err)
		}
		row.results = append(row.results, r)
		if ctx.Err() != nil {
			break
		}
	}
	return row, errors.Join(errs...)
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
