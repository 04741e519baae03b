package main

import (
	"fmt"
	"io"
	"time"
)

// printFlagTable prints the flag suite's figures and its goal: the flag
// sync no slower than mbsync's (issue 15).
// rtt is the relay's round trip (0: none).
func printFlagTable(w io.Writer, rows []flagRow, rtt time.Duration) {
	const format = "%-14s %-9s %-20s %-20s %-20s\n"
	for _, r := range rows {
		link := ""
		if rtt > 0 {
			link = fmt.Sprintf("; through a relay with a %v round trip", rtt)
		}
		fmt.Fprintf(w, "\nflags, N=%d: %s in %d folders; %d messages flagged on the server and %d others read locally%s\n",
			r.n, mb(r.bytes), len(imapFolders), r.k, r.k, link)
		fmt.Fprintf(w, format, "program", "local", flagPhases[0], flagPhases[1], flagPhases[2])
		var mbsync flagResult
		for _, t := range r.tools {
			if t.label == "mbsync" {
				mbsync = t
			}
		}
		for _, t := range r.tools {
			cells := [3]string{}
			for i := range cells {
				cells[i] = cell(t.phase[i], "")
				if t.bin == "" {
					cells[i] = "not run"
				} else if !t.phase[i].ran && t.err != nil {
					cells[i] = "failed"
				}
			}
			fmt.Fprintf(w, format, t.label, t.format(), cells[0], cells[1], cells[2])
		}
		for _, t := range r.tools {
			if t.label == "mbsync" {
				continue
			}
			fmt.Fprintf(w, "  %-22s %-20s %-20s %-20s\n", "mbsync / "+t.label,
				ratio(mbsync.phase[0], t.phase[0]), ratio(mbsync.phase[1], t.phase[1]), ratio(mbsync.phase[2], t.phase[2]))
		}
		for _, t := range r.tools {
			if t.err != nil {
				fmt.Fprintf(w, "%s: FAILED: %s\n", t.label, firstLine(t.err.Error()))
			}
		}
		for _, t := range r.tools {
			if t.label == "mbsync" {
				continue
			}
			o, m := t.phase[1], mbsync.phase[1]
			verdict := "not measured"
			if o.ran && m.ran {
				verdict = "NOT MET"
				if secs(o) <= secs(m) {
					verdict = "met"
				}
			}
			// Milliseconds: at 0.08 s the table's rounding hides which is faster.
			fmt.Fprintf(w, "goal: %s's flag sync <= 1x mbsync's: %s (%s, mbsync %s)\n", t.label, verdict, wallMillis(o), wallMillis(m))
		}
	}
	fmt.Fprintf(w, "\ncells: wall time and peak RSS of the process; flag sync: the best of %d (flags set, cleared, set again);\n", flagRounds)
	fmt.Fprintln(w, "ratios: mbsync's wall time / ours (above 1: ours is faster)")
}

// wallMillis is m's wall time in milliseconds ("-" when it did not run).
func wallMillis(m measured) string {
	if !m.ran {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(m.res.Wall.Microseconds())/1000)
}
