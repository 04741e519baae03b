package main

import (
	"fmt"
	"io"
)

// printMaildirTable prints the Maildir suite's figures, ratios and goals;
// fs is the kind of file system the stores were on.
func printMaildirTable(w io.Writer, rows []maildirRow, fs string) {
	const format = "%-12s %-28s %-28s %-28s\n"
	for _, r := range rows {
		fmt.Fprintf(w, "\nMaildir -> Maildir on %s, N=%d: %s in %d folders; 1%% change = %d new + %d deleted on each side\n",
			fs, r.n, mb(r.bytes), len(imapFolders), r.k, r.k)
		fmt.Fprintf(w, format, "program", phaseNames[0], phaseNames[1], phaseNames[2])
		for _, t := range r.results {
			fmt.Fprintf(w, format, t.label, t.cell(0), t.cell(1), t.cell(2))
		}
		ours, mbsync := r.result("ours"), r.result("mbsync")
		fmt.Fprintf(w, format, "ours/mbsync", ratio(ours.phase[0], mbsync.phase[0]),
			ratio(ours.phase[1], mbsync.phase[1]), ratio(ours.phase[2], mbsync.phase[2]))
		for _, t := range r.results {
			if t.err != nil && t.bin == "" {
				fmt.Fprintf(w, "%s: %s\n", t.label, t.note)
			} else if t.err != nil {
				fmt.Fprintf(w, "%s: FAILED: %s\n", t.label, firstLine(t.err.Error()))
			}
		}
		fmt.Fprintf(w, "goal at N=%d, not slower than mbsync with the same durability:\n", r.n)
		for i, name := range phaseNames {
			o, m := ours.phase[i], mbsync.phase[i]
			verdict := "not measured"
			if o.ran && m.ran {
				verdict = "NOT MET"
				if secs(o) <= secs(m) {
					verdict = "met"
				}
			}
			fmt.Fprintf(w, "  %-12s %-12s (ours %s, mbsync %s)\n", name, verdict, wall(o), wall(m))
		}
	}
	fmt.Fprintln(w, "\ncells: wall time, CPU time (user+system) and peak RSS of the process; no-op: the best of", noopRuns, "runs;")
	fmt.Fprintln(w, "ours/mbsync: ours' wall time / mbsync's (above 1: ours is slower); every sync starts after sync(2) and")
	fmt.Fprintln(w, "1.1s after the previous step, as mbsync sleeps 1s when a Maildir changed within the current second")
}

// result returns the result of the program labelled label.
func (r maildirRow) result(label string) mdResult {
	for _, t := range r.results {
		if t.label == label {
			return t
		}
	}
	return mdResult{mdProgram: mdProgram{label: label}, phaseNote: [3]string{"not run", "not run", "not run"}}
}

// cell formats phase i of t: wall time, CPU time and peak RSS.
func (t mdResult) cell(i int) string {
	m := t.phase[i]
	switch {
	case t.bin == "":
		return "not run"
	case m.ran:
		return fmt.Sprintf("%.2fs cpu %.2fs %s", m.res.Wall.Seconds(), m.res.CPU.Seconds(), mb(m.res.MaxRSS))
	case t.phaseNote[i] != "":
		return t.phaseNote[i]
	default:
		return "failed"
	}
}
