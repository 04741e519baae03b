package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
)

// How the Maildir suite configures, runs, changes and checks one program.

// mdMailsyncConfig is ours' ~/.mailsync: the Maildirs below ~/src against
// the #maildir namespace below ~/dst, where every created box is a
// Maildir (nested layout, like the source). The '#' is escaped: a token
// starting with '#' is a comment in a mailsync configuration.
const mdMailsyncConfig = `store src {
	pat	src/%
	prefix	src/
}
store dst {
	pat	\#maildir/dst/%
	prefix	\#maildir/dst/
}
channel bench src dst {
	msinfo	.msinfo
}
`

// mdMbsyncConfig is mbsync's ~/.mbsyncrc (isync 1.4): the same two trees
// as MaildirStores with INBOX inside them, both ways, creating folders and
// expunging on both sides, the sync state inside each destination Maildir.
// FSync yes is mbsync's default; it is spelled out because the comparison
// depends on it.
const mdMbsyncConfig = `FSync yes

MaildirStore src
Path %[1]s/src/
Inbox %[1]s/src/INBOX
SubFolders Verbatim

MaildirStore dst
Path %[1]s/dst/
Inbox %[1]s/dst/INBOX
SubFolders Verbatim

Channel bench
Far :src:
Near :dst:
Patterns *
Create Both
Expunge Both
SyncState *
`

// setup makes a fresh HOME for prog: the source Maildirs, an empty ~/dst
// (mbsync refuses a store whose Path does not exist) and the
// configuration, all owned by the suite's account.
func (s maildirSuite) setup(home string, prog mdProgram, p *plan) error {
	if err := os.MkdirAll(filepath.Join(home, "dst"), 0o700); err != nil {
		return err
	}
	for f, folder := range imapFolders {
		if err := bench.FillMaildir(filepath.Join(home, "src", folder), p.initial[f], s.account); err != nil {
			return err
		}
	}
	name, text := ".mailsync", mdMailsyncConfig
	if prog.mbsync {
		name, text = ".mbsyncrc", fmt.Sprintf(mdMbsyncConfig, home)
	}
	if err := os.WriteFile(filepath.Join(home, name), []byte(text), 0o600); err != nil {
		return err
	}
	return bench.Chown(home, s.account)
}

// runProgram measures prog at one size: initial sync, no-op, 1% change,
// re-sync, checking both sides after each step.
func (s maildirSuite) runProgram(ctx context.Context, home string, p *plan, prog mdProgram) mdResult {
	r := mdResult{mdProgram: prog}
	fail := func(i int, m measured, err error) mdResult {
		r.phase[i] = measured{res: m.res}
		r.err = fmt.Errorf("%s %s: %w", prog.label, phaseNames[i], err)
		for j := i + 1; j < len(r.phaseNote); j++ {
			r.phaseNote[j] = "not run"
		}
		return r
	}
	m, err := s.sync(ctx, p.n, prog, home, phaseNames[0])
	if err == nil {
		err = mdCheck(home, p, synced)
	}
	if err != nil {
		return fail(0, m, err)
	}
	r.phase[0] = m

	for range noopRuns {
		m, err := s.sync(ctx, p.n, prog, home, phaseNames[1])
		if err == nil {
			err = mdCheck(home, p, synced)
		}
		if err != nil {
			return fail(1, m, err)
		}
		if !r.phase[1].ran || m.res.Wall < r.phase[1].res.Wall {
			r.phase[1] = m
		}
	}

	if err := s.change(home, p); err != nil {
		return fail(2, measured{}, err)
	}
	m, err = s.sync(ctx, p.n, prog, home, phaseNames[2])
	if err == nil {
		err = mdCheck(home, p, resynced)
	}
	if err != nil {
		return fail(2, m, err)
	}
	r.phase[2] = m
	return r
}

// sync flushes the file systems, waits settle (see the IMAP suite), runs
// one sync of prog in home and fails on a non-zero exit status.
func (s maildirSuite) sync(ctx context.Context, n int, prog mdProgram, home, phase string) (measured, error) {
	syscall.Sync()
	select {
	case <-time.After(settle):
	case <-ctx.Done():
		return measured{}, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	argv := []string{prog.bin, "bench"}
	if prog.mbsync {
		argv = []string{prog.bin, "-c", filepath.Join(home, ".mbsyncrc"), "bench"}
	}
	res, err := bench.Run(ctx, s.account, home, argv...)
	printRun(n, prog.label, phase, res)
	if err != nil {
		return measured{res: res}, err
	}
	if res.Exit != 0 {
		return measured{res: res}, fmt.Errorf("exit status %d\nstdout:\n%s\nstderr:\n%s", res.Exit, tail(res.Stdout), tail(res.Stderr))
	}
	return measured{ran: true, res: res}, nil
}

// change makes the 1% change: the plan's server side is ~/src, its local
// side ~/dst. Deleted files are unlinked, new ones delivered into new/.
func (s maildirSuite) change(home string, p *plan) error {
	var srcDel, dstDel int
	for f, folder := range imapFolders {
		src, dst := filepath.Join(home, "src", folder), filepath.Join(home, "dst", folder)
		n, err := bench.RemoveFromMaildir(src, p.serverDel)
		srcDel += n
		if err != nil {
			return err
		}
		if err := bench.AddToMaildir(src, p.serverNew[f], s.account); err != nil {
			return err
		}
		n, err = bench.RemoveFromMaildir(dst, p.localDel)
		dstDel += n
		if err != nil {
			return err
		}
		if err := bench.AddToMaildir(dst, p.localNew[f], s.account); err != nil {
			return err
		}
	}
	if srcDel != p.k || dstDel != p.k {
		return fmt.Errorf("change: deleted %d in src and %d in dst, want %d each", srcDel, dstDel, p.k)
	}
	return mdCheck(home, p, changed)
}

// mdCheck compares both trees, folder by folder, with what the plan says
// they must hold at stage st. A message still flagged T (deleted, not
// expunged) is an error.
func mdCheck(home string, p *plan, st stage) error {
	for f, folder := range imapFolders {
		wantSrc, wantDst := p.want(f, st)
		for _, side := range []struct {
			dir  string
			want []string
		}{{filepath.Join(home, "src", folder), wantSrc}, {filepath.Join(home, "dst", folder), wantDst}} {
			m, err := bench.ScanMaildir(side.dir)
			if err != nil {
				return err
			}
			if m.Trashed > 0 {
				return fmt.Errorf("%s: %d messages flagged deleted but not expunged", side.dir, m.Trashed)
			}
			if err := sameIDs(side.dir, slices.Sorted(slices.Values(m.IDs)), side.want); err != nil {
				return err
			}
		}
	}
	return nil
}
