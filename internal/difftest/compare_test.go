package difftest

import (
	"fmt"
	"sort"
	"strings"
)

// Result is what one run of a mailsync binary produced.
type Result struct {
	Stdout, Stderr string
	Exit           int
	Snap           *Snapshot
}

func (r *Result) clone() *Result {
	c := *r
	c.Snap = r.Snap.clone()
	return &c
}

// compareOpts say which properties are not compared in a step.
type compareOpts struct {
	ignoreOld    bool // "Status: O" is checked apart: doc/design/decisions.md#d5-new-mail-stays-new
	ignoreStderr bool // -v differs: doc/design/decisions.md#d14-verbose-notes
}

// compare returns a readable description of every difference between
// the wanted result and the one obtained, or "".
func compare(want, got *Result, o compareOpts) string {
	var b strings.Builder
	if want.Exit != got.Exit {
		fmt.Fprintf(&b, "exit status: want %d, got %d\n", want.Exit, got.Exit)
	}
	if want.Stdout != got.Stdout {
		fmt.Fprintf(&b, "stdout differs (- want, + got):\n%s", lineDiff(want.Stdout, got.Stdout))
	}
	if !o.ignoreStderr && want.Stderr != got.Stderr {
		fmt.Fprintf(&b, "stderr differs (- want, + got):\n%s", lineDiff(want.Stderr, got.Stderr))
	}
	b.WriteString(compareSnap(want.Snap, got.Snap, o))
	return b.String()
}

func compareSnap(want, got *Snapshot, o compareOpts) string {
	var b strings.Builder
	wp, gp := strings.Join(want.Paths, "\n")+"\n", strings.Join(got.Paths, "\n")+"\n"
	if wp != gp {
		fmt.Fprintf(&b, "files differ (- want, + got):\n%s", lineDiff(wp, gp))
	}
	if wf, gf := strings.Join(want.Folders, "\n"), strings.Join(got.Folders, "\n"); wf != gf {
		fmt.Fprintf(&b, "IMAP folders differ (- want, + got):\n%s", lineDiff(wf+"\n", gf+"\n"))
	}
	for _, k := range unionKeys(want.Files, got.Files) {
		if w, g := want.Files[k], got.Files[k]; w != g {
			fmt.Fprintf(&b, "file %s differs:\n%s", k, lineDiff(w, g))
		}
	}
	for _, k := range unionKeys(want.Boxes, got.Boxes) {
		w, g := want.Boxes[k], got.Boxes[k]
		switch {
		case w == nil:
			fmt.Fprintf(&b, "box %s: unexpected\n", k)
		case g == nil:
			fmt.Fprintf(&b, "box %s: missing\n", k)
		default:
			if d := compareBox(w, g, o); d != "" {
				fmt.Fprintf(&b, "box %s: %s", k, d)
			}
		}
	}
	for _, k := range unionKeys(want.Msinfo, got.Msinfo) {
		w, g := want.Msinfo[k], got.Msinfo[k]
		for _, ch := range unionKeys(w, g) {
			we, wok := w[ch]
			ge, gok := g[ch]
			switch {
			case !wok:
				fmt.Fprintf(&b, "msinfo %s: unexpected entry for channel %q\n", k, ch)
			case !gok:
				fmt.Fprintf(&b, "msinfo %s: no entry for channel %q\n", k, ch)
			case we != ge:
				fmt.Fprintf(&b, "msinfo %s channel %q differs:\n%s", k, ch, lineDiff(we, ge))
			}
		}
	}
	return b.String()
}

// compareBox describes the first differing message of two boxes.
func compareBox(w, g *Box, o compareOpts) string {
	if len(w.Msgs) != len(g.Msgs) {
		return fmt.Sprintf("%d messages wanted, got %d\n  want: %s\n  got:  %s\n", len(w.Msgs), len(g.Msgs), subjects(w), subjects(g))
	}
	for i := range w.Msgs {
		wm, gm := &w.Msgs[i], &g.Msgs[i]
		var diffs []string
		if wm.Date != gm.Date || wm.Sender != gm.Sender {
			diffs = append(diffs, fmt.Sprintf("From_ line/date: want %q %q, got %q %q", wm.Sender, wm.Date, gm.Sender, gm.Date))
		}
		if wh, gh := strings.Join(wm.headers(), "\n")+"\n", strings.Join(gm.headers(), "\n")+"\n"; wh != gh {
			diffs = append(diffs, "header:\n"+lineDiff(wh, gh))
		}
		if wm.Body != gm.Body {
			diffs = append(diffs, "body:\n"+lineDiff(wm.Body, gm.Body))
		}
		if !w.MH && wm.Flags != gm.Flags {
			diffs = append(diffs, fmt.Sprintf("flags: want %q, got %q", wm.Flags, gm.Flags))
		}
		if !w.MH && !o.ignoreOld && wm.Old != gm.Old {
			diffs = append(diffs, fmt.Sprintf("old (Status: O): want %v, got %v", wm.Old, gm.Old))
		}
		if len(diffs) > 0 {
			return fmt.Sprintf("message %d (%s) differs: %s\n", i+1, wm.key(), strings.Join(diffs, "; "))
		}
	}
	return ""
}

func subjects(b *Box) string {
	var s []string
	for i := range b.Msgs {
		s = append(s, fmt.Sprintf("%q", b.Msgs[i].field("Subject")))
	}
	return "[" + strings.Join(s, " ") + "]"
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// lineDiff is a small LCS-based unified-style diff of two texts.
func lineDiff(a, b string) string {
	x, y := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	line := func(prefix, s string) {
		if s == "" {
			return
		}
		note := " (no newline)"
		if t, ok := strings.CutSuffix(s, "\n"); ok {
			s, note = t, ""
		}
		fmt.Fprintf(&out, "  %s%q%s\n", prefix, s, note)
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			line(" ", x[i])
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			line("+", y[j])
			j++
		default:
			line("-", x[i])
			i++
		}
	}
	return out.String()
}
