package main

import (
	"fmt"
	"io"
	"time"
)

// Issue 17's goals for ours over a slow link (doc/design/wan.md, "Goals").
const (
	goalNoopRoundTrips  = 15   // in total, whatever the number of folders
	goalNoopVsMbsync    = 0.1  // no-op wall time / mbsync's
	goalInitialVsRaw    = 3    // initial sync <= 3x the pipelined fetch ...
	goalInitialSlackRTs = 20   // ... plus this many round trips
	goalInitialVsMbsync = 0.25 // initial sync wall time / mbsync's
	goalResyncVsMbsync  = 0.2  // 1% re-sync wall time / mbsync's
)

// printWANTable prints the WAN suite's figures, round trips and goals.
func printWANTable(w io.Writer, rows []wanRow, bandwidth int64) {
	const format = "%-11s %-8s %-18s %-18s %-18s %-18s\n"
	for _, r := range rows {
		c := r.c
		fmt.Fprintf(w, "\nWAN, RTT %v (%v each way, %s): %d messages (%s) in %d folders; 1%% change = %d new + %d deleted on each side\n",
			c.rtt, c.rtt/2, bandwidthNote(bandwidth), c.n, mb(r.bytes), c.folders, r.k, r.k)
		fmt.Fprintf(w, format, "program", "local", phaseNames[0], "no-op after it", "no-op again", phaseNames[2])
		fmt.Fprintf(w, format, "raw fetch", "-", linkCell(r.raw, ""), "-", "-", "-")
		fmt.Fprintf(w, format, "  (warm)", "-", linkCell(r.rawWarm, ""), "-", "-", "-")
		for _, t := range r.tools {
			cells := [4]string{}
			for i, m := range t.wanPhases() {
				cells[i] = "not run"
				if t.bin != "" {
					cells[i] = linkCell(m, t.phaseNote[min(i, 2)])
				}
			}
			fmt.Fprintf(w, format, t.label, t.format(), cells[0], cells[1], cells[2], cells[3])
		}
		ours, mbsync := wanTool(r, "ours"), wanTool(r, "mbsync")
		op, mp := ours.wanPhases(), mbsync.wanPhases()
		fmt.Fprintf(w, format, "ours/mbsync", "", ratio(op[0], mp[0]), ratio(op[1], mp[1]), ratio(op[2], mp[2]), ratio(op[3], mp[3]))
		for _, t := range r.tools {
			if t.err != nil && t.bin == "" {
				fmt.Fprintf(w, "%s: %s\n", t.label, t.note)
			} else if t.err != nil {
				fmt.Fprintf(w, "%s: FAILED: %s\n", t.label, firstLine(t.err.Error()))
			}
		}
		printWANGoals(w, r, ours, mbsync)
	}
	fmt.Fprintln(w, "\ncells: wall time and round trips (RT) the relay counted: one per connection (its handshake) plus one")
	fmt.Fprintln(w, "per turn, a burst the client sent after receiving (doc/design/wan.md); raw fetch: log in, then one")
	fmt.Fprintf(w, "batch of EXAMINE + UID FETCH 1:* BODY.PEEK[] for every folder, first run (cold) and best of %d (warm);\n", noopRuns)
	fmt.Fprintf(w, "no-op after it: the first no-op, right after the initial sync; no-op again: the best of the %d\n", noopRuns-1)
	fmt.Fprintf(w, "no-ops that follow (ours leaves boxes alone that the previous run found settled); every sync\n")
	fmt.Fprintf(w, "starts %v after the previous step, as a cron job's would\n", wanPause)
}

// wanPhases are the WAN table's columns: the initial sync, the first
// no-op, the best of the later no-ops, the 1% re-sync.
func (t toolResult) wanPhases() [4]measured {
	out := [4]measured{t.phase[0], {}, {}, t.phase[2]}
	for i, m := range t.noops {
		switch {
		case i == 0:
			out[1] = m
		case !out[2].ran || m.res.Wall < out[2].res.Wall:
			out[2] = m
		}
	}
	return out
}

// wanTool returns the result of the program labelled label.
func wanTool(r wanRow, label string) toolResult {
	for _, t := range r.tools {
		if t.label == label {
			return t
		}
	}
	return toolResult{tool: tool{label: label}}
}

// linkCell is a wall time and the round trips of one run.
func linkCell(m measured, note string) string {
	switch {
	case m.ran:
		return fmt.Sprintf("%.2fs %d RT", m.res.Wall.Seconds(), m.link.RoundTrips())
	case note != "":
		return note
	default:
		return "failed"
	}
}

// printWANGoals says which of issue 17's goals ours meets in case r.
func printWANGoals(w io.Writer, r wanRow, ours, mbsync toolResult) {
	fmt.Fprintf(w, "goals (ours) at RTT %v, %d folders:\n", r.c.rtt, r.c.folders)
	goal := func(what string, ok, measurable bool, detail string) {
		verdict := "not measured"
		if measurable {
			verdict = "NOT MET"
			if ok {
				verdict = "met"
			}
		}
		fmt.Fprintf(w, "  %-44s %-12s %s\n", what, verdict, detail)
	}
	op, mp := ours.wanPhases(), mbsync.wanPhases()
	o0, o2 := op[0], op[3]
	m0, m2 := mp[0], mp[3]
	rtt := r.c.rtt
	noopLimit := goalNoopRoundTrips * rtt
	for i, which := range []string{"after it", "again"} {
		o1, m1 := op[1+i], mp[1+i]
		goal(fmt.Sprintf("no-op %s <= %d round trips", which, goalNoopRoundTrips), o1.link.RoundTrips() <= goalNoopRoundTrips, o1.ran,
			fmt.Sprintf("(ours %d, %.1fx the goal; mbsync %s)", o1.link.RoundTrips(), float64(o1.link.RoundTrips())/goalNoopRoundTrips, roundTrips(m1)))
		goal(fmt.Sprintf("no-op %s <= %d RTT = %.2fs", which, goalNoopRoundTrips, noopLimit.Seconds()), o1.res.Wall <= noopLimit, o1.ran,
			fmt.Sprintf("(ours %s, %s the goal)", wall(o1), times(o1.res.Wall, noopLimit)))
		goal(fmt.Sprintf("no-op %s <= %.2gx mbsync", which, goalNoopVsMbsync), secs(o1) <= goalNoopVsMbsync*secs(m1), o1.ran && m1.ran,
			fmt.Sprintf("(ours/mbsync = %s)", ratio(o1, m1)))
	}
	initLimit := time.Duration(goalInitialVsRaw)*r.raw.res.Wall + goalInitialSlackRTs*rtt
	goal(fmt.Sprintf("initial <= %dx raw fetch + %d RTT = %.2fs", goalInitialVsRaw, goalInitialSlackRTs, initLimit.Seconds()),
		o0.res.Wall <= initLimit, o0.ran && r.raw.ran,
		fmt.Sprintf("(ours %s, %s the goal)", wall(o0), times(o0.res.Wall, initLimit)))
	goal(fmt.Sprintf("initial <= %.2gx mbsync", goalInitialVsMbsync), secs(o0) <= goalInitialVsMbsync*secs(m0), o0.ran && m0.ran,
		fmt.Sprintf("(ours/mbsync = %s)", ratio(o0, m0)))
	goal(fmt.Sprintf("1%% re-sync <= %.2gx mbsync", goalResyncVsMbsync), secs(o2) <= goalResyncVsMbsync*secs(m2), o2.ran && m2.ran,
		fmt.Sprintf("(ours/mbsync = %s)", ratio(o2, m2)))
}

func roundTrips(m measured) string {
	if !m.ran {
		return "-"
	}
	return fmt.Sprintf("%d", m.link.RoundTrips())
}

// times is a / b as "N.Nx".
func times(a, b time.Duration) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", a.Seconds()/b.Seconds())
}
