package main

import (
	"context"
	"fmt"
	"github.com/mailsync/mailsync/internal/netrelay"
	"path/filepath"
	"slices"
	"strings"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/dovecot"
)

// flagPlan is the flag change of one size: k messages flagged on the
// server, k others read on the local side, and the flags every message
// must carry on both sides before and after the flag sync.
type flagPlan struct {
	serverFlag, localSeen map[string]bool
	before, after         map[string]string // Message-ID -> sorted letters
}

// makeFlagPlan picks the changed messages evenly over the initial mail
// (by Message-ID):
// ones not flagged yet for the server, ones not read yet for the local
// side, never the same message.
func makeFlagPlan(p *plan) flagPlan {
	fp := flagPlan{serverFlag: map[string]bool{}, localSeen: map[string]bool{},
		before: map[string]string{}, after: map[string]string{}}
	var all []bench.Mail
	for _, ms := range p.initial {
		all = append(all, ms...)
	}
	slices.SortFunc(all, func(a, b bench.Mail) int { return strings.Compare(a.ID, b.ID) })
	// Every step-th message is a candidate, alternately for each side,
	// skipping ones that already carry the flag; a second pass fills up.
	step := max(1, len(all)/(2*p.k))
	for pass := range step {
		for i := pass; i < len(all) && (len(fp.serverFlag) < p.k || len(fp.localSeen) < p.k); i += step {
			m := all[i]
			if fp.serverFlag[m.ID] || fp.localSeen[m.ID] {
				continue
			}
			switch {
			case len(fp.serverFlag) < p.k && len(fp.serverFlag) <= len(fp.localSeen) && !strings.Contains(m.Flags, "F"):
				fp.serverFlag[m.ID] = true
			case len(fp.localSeen) < p.k && !strings.Contains(m.Flags, "S"):
				fp.localSeen[m.ID] = true
			case len(fp.serverFlag) < p.k && !strings.Contains(m.Flags, "F"):
				fp.serverFlag[m.ID] = true
			}
		}
	}
	for _, m := range all {
		fp.before[m.ID] = letters(m.Flags)
		after := m.Flags
		if fp.serverFlag[m.ID] {
			after += "F"
		}
		if fp.localSeen[m.ID] {
			after += "S"
		}
		fp.after[m.ID] = letters(after)
	}
	return fp
}

// letters sorts flag letters, keeping the synchronised ones (D F R S).
func letters(s string) string {
	var out []byte
	for _, c := range []byte(s) {
		if strings.IndexByte("DFRS", c) >= 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return string(out)
}

// flagRounds is how often the flag change and its sync are made: 1%
// flagged and read, then the same cleared, then set again. The fastest
// flag sync counts (on a shared machine the least noisy figure).
const flagRounds = 3

// runFlagTool measures one program: initial sync, flagRounds flag
// changes each followed by the flag sync, a no-op; both sides checked
// after each step.
func (s flagSuite) runFlagTool(ctx context.Context, dir string, srv *dovecot.Server, p *plan, fp flagPlan, t tool) flagResult {
	fr := flagResult{tool: t}
	home := filepath.Join(dir, t.label)
	a := srv.Account(t.user)
	acct := bench.IMAPAccount{Addr: srv.Addr(), User: a.Name, Password: a.Password}
	port := srv.Port()
	if s.rtt > 0 {
		relay, err := netrelay.Start(ctx, srv.Addr(), s.rtt/2, 0)
		if err != nil {
			fr.err = fmt.Errorf("%s: %w", t.label, err)
			return fr
		}
		defer relay.Stop()
		port = relay.Port()
	}
	if err := t.setup(home, port, a.Password); err != nil {
		fr.err = fmt.Errorf("%s: %w", t.label, err)
		return fr
	}
	step := func(i int, want map[string]string) bool {
		m, err := s.sync(ctx, p.n, t, home, flagPhases[i])
		if err == nil {
			err = check(ctx, t, home, acct, p, synced)
		}
		if err == nil {
			err = checkFlags(ctx, t, home, acct, p, want)
		}
		if err != nil {
			fr.err = fmt.Errorf("%s %s: %w", t.label, flagPhases[i], err)
			return false
		}
		if !fr.phase[i].ran || m.res.Wall < fr.phase[i].res.Wall {
			fr.phase[i] = m
		}
		return true
	}
	if !step(0, fp.before) {
		return fr
	}
	for round := range flagRounds {
		on := round%2 == 0
		if err := changeFlags(ctx, t, home, acct, p, fp, on); err != nil {
			fr.err = fmt.Errorf("%s: changing flags: %w", t.label, err)
			return fr
		}
		want := fp.after
		if !on {
			want = fp.before
		}
		if !step(1, want) {
			return fr
		}
	}
	step(2, fp.after)
	return fr
}

// changeFlags flags (on) or unflags fp.serverFlag on the server and
// reads or unreads fp.localSeen on t's local side.
func changeFlags(ctx context.Context, t tool, home string, acct bench.IMAPAccount, p *plan, fp flagPlan, on bool) error {
	var flagged, read int
	for _, folder := range p.folders {
		n, err := bench.FlagOnServer(ctx, acct, folder, fp.serverFlag, goimap.FlagFlagged, on)
		flagged += n
		if err != nil {
			return err
		}
		path := t.localPath(home, folder)
		if t.maildir {
			n, err = bench.MarkInMaildir(path, fp.localSeen, on)
		} else {
			n, err = bench.MarkInMbox(path, fp.localSeen, on)
		}
		read += n
		if err != nil {
			return err
		}
	}
	if flagged != len(fp.serverFlag) || read != len(fp.localSeen) {
		return fmt.Errorf("changed %d on the server and %d locally, want %d and %d",
			flagged, read, len(fp.serverFlag), len(fp.localSeen))
	}
	return nil
}

// checkFlags compares every message's flags on both sides with want.
func checkFlags(ctx context.Context, t tool, home string, acct bench.IMAPAccount, p *plan, want map[string]string) error {
	server, err := bench.ServerFlags(ctx, acct, p.folders)
	if err != nil {
		return err
	}
	for f, folder := range p.folders {
		path := t.localPath(home, folder)
		var local map[string]string
		if t.maildir {
			local, err = bench.MaildirFlags(path)
		} else {
			local, err = bench.MboxFlags(path)
		}
		if err != nil {
			return err
		}
		for _, side := range []struct {
			what  string
			flags map[string]string
		}{{"server folder " + folder, server[f]}, {"local " + folder, local}} {
			for id, got := range side.flags {
				if w, ok := want[id]; ok && got != w {
					return fmt.Errorf("%s: message %s has flags %q, want %q", side.what, id, got, w)
				}
			}
		}
	}
	return nil
}
