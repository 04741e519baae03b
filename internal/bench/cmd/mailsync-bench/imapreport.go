package main

import (
	"fmt"
	"io"
	"strconv"
)

// printIMAPTable prints the IMAP suite's figures, ratios and goals.
func printIMAPTable(w io.Writer, rows []imapRow) {
	const format = "%-14s %-9s %-20s %-20s %-20s\n"
	for _, r := range rows {
		fmt.Fprintf(w, "\nIMAP, N=%d: %s in %d folders; 1%% change = %d new + %d deleted on each side\n",
			r.n, mb(r.bytes), len(imapFolders), r.k, r.k)
		fmt.Fprintf(w, format, "program", "local", phaseNames[0], phaseNames[1], phaseNames[2])
		fmt.Fprintf(w, format, "raw fetch", "-", cell(r.raw, r.rawNote), "-", "-")
		fmt.Fprintf(w, format, "  (warm)", "-", cell(r.rawWarm, r.rawNote), "-", "-")
		for _, t := range r.tools {
			fmt.Fprintf(w, format, t.label, t.format(), t.cell(0), t.cell(1), t.cell(2))
		}
		ours := r.tool("ours")
		fmt.Fprintf(w, "ratios of wall times     %-20s %-20s %-20s\n", phaseNames[0], phaseNames[1], phaseNames[2])
		fmt.Fprintf(w, "  %-22s %-20s %-20s %-20s\n", "ours / raw fetch", ratio(ours.phase[0], r.raw), "-", "-")
		fmt.Fprintf(w, "  %-22s %-20s %-20s %-20s\n", "ours / raw (warm)", ratio(ours.phase[0], r.rawWarm), "-", "-")
		for _, pair := range [][2]string{{"mbsync", "ours"}, {"mbsync", "ours-maildir"}, {"5.2.7", "ours"}} {
			a, b := r.tool(pair[0]), r.tool(pair[1])
			fmt.Fprintf(w, "  %-22s %-20s %-20s %-20s\n", pair[0]+" / "+pair[1],
				ratio(a.phase[0], b.phase[0]), ratio(a.phase[1], b.phase[1]), ratio(a.phase[2], b.phase[2]))
		}
		for _, t := range r.tools {
			if t.err != nil && t.bin == "" {
				fmt.Fprintf(w, "%s: %s\n", t.label, t.note)
			} else if t.err != nil {
				fmt.Fprintf(w, "%s: FAILED: %s\n", t.label, firstLine(t.err.Error()))
			}
		}
		if ref := r.tool("5.2.7"); ref.phaseNote[0] != "" && ref.phase[1].ran {
			fmt.Fprintf(w, "5.2.7: initial sync %s; its no-op and re-sync start from a copy of ours' result (plus one untimed run of its own)\n", ref.phaseNote[0])
		}
		printGoals(w, r, ours, r.tool("mbsync"), r.tool("5.2.7"))
	}
	fmt.Fprintln(w, "\ncells: wall time and peak RSS of the process (raw fetch: a Go client, one UID FETCH 1:* BODY.PEEK[] per folder);")
	fmt.Fprintf(w, "raw fetch: its first run, the account's first access as for every initial sync (Dovecot parses each\n")
	fmt.Fprintf(w, "message then); (warm): its best of %d runs, the server's caches filled; no-op: the best of %d runs;\n", noopRuns, noopRuns)
	fmt.Fprintln(w, "ratios: the first's wall time / the second's (above 1: the second is faster); local side: mbox files or")
	fmt.Fprintln(w, "Maildirs (mbsync writes only Maildir); every sync starts 1.1s after the previous step, as mbsync")
	fmt.Fprintln(w, "sleeps 1s when a Maildir changed within the current second")
}

func printGoals(w io.Writer, r imapRow, ours, mbsync, ref toolResult) {
	fmt.Fprintf(w, "goals at N=%d:\n", r.n)
	goal := func(what string, ok, measurable bool, detail string) {
		verdict := "not measured"
		if measurable {
			verdict = "NOT MET"
			if ok {
				verdict = "met"
			}
		}
		fmt.Fprintf(w, "  %-42s %-12s %s\n", what, verdict, detail)
	}
	o0, m0, raw0 := ours.phase[0], mbsync.phase[0], r.raw
	goal("initial sync faster than mbsync", secs(o0) < secs(m0), o0.ran && m0.ran,
		fmt.Sprintf("(ours %s, mbsync %s)", wall(o0), wall(m0)))
	goal("initial sync within 3x of the raw fetch", secs(o0) <= 3*secs(raw0), o0.ran && raw0.ran,
		fmt.Sprintf("(ours/raw = %s)", ratio(o0, raw0)))
	o1, r1 := ours.phase[1], ref.phase[1]
	goal("no-op at least 10x faster than 5.2.7", secs(r1) >= 10*secs(o1), o1.ran && r1.ran,
		fmt.Sprintf("(5.2.7/ours = %s)", ratio(r1, o1)))
}

// tool returns the result of the program labelled label.
func (r imapRow) tool(label string) toolResult {
	for _, t := range r.tools {
		if t.label == label {
			return t
		}
	}
	return toolResult{tool: tool{label: label}, phaseNote: [3]string{"not run", "not run", "not run"}}
}

// cell formats phase i of t.
func (t toolResult) cell(i int) string {
	if t.bin == "" {
		return "not run"
	}
	return cell(t.phase[i], t.phaseNote[i])
}

func cell(m measured, note string) string {
	switch {
	case m.ran:
		return fmt.Sprintf("%.2fs %s", m.res.Wall.Seconds(), mb(m.res.MaxRSS))
	case note != "":
		return note
	default:
		return "failed"
	}
}

// ratio is a's wall time over b's.
func ratio(a, b measured) string {
	if !a.ran || !b.ran || b.res.Wall <= 0 {
		return "-"
	}
	x := a.res.Wall.Seconds() / b.res.Wall.Seconds()
	if x >= 10 {
		return strconv.FormatFloat(x, 'f', 0, 64) + "x"
	}
	return strconv.FormatFloat(x, 'f', 1, 64) + "x"
}

func secs(m measured) float64 { return m.res.Wall.Seconds() }

func wall(m measured) string {
	if !m.ran {
		return "-"
	}
	return fmt.Sprintf("%.2fs", m.res.Wall.Seconds())
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
