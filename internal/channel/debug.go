package channel

import (
	"strings"

	"github.com/mailsync/mailsync/internal/msinfo"
)

// DebugSide prints the -d lines about a listed store (appendix A).
func DebugSide(r *Reporter, s *Side) {
	if !r.Debug {
		return
	}
	r.Debugf("No driver for store %s found", s.Name())
	r.Debugf(" Items in store %q:", s.Name())
	for _, e := range s.Boxes.listed {
		var b strings.Builder
		b.WriteString("  " + s.Cfg.Server + e.Name)
		if e.NoInferiors {
			b.WriteString(", no inferiors")
		}
		if e.NoSelect {
			b.WriteString(", no select")
		}
		if e.Marked {
			b.WriteString(", marked")
		}
		if e.Unmarked {
			b.WriteString(", unmarked")
		}
		r.Debugf("%s", b.String())
	}
	r.Debugf(" Delimiter for store %q is '%c'", s.Name(), s.Boxes.Delim)
}

// DebugPairs prints the boxes seen in both stores.
func DebugPairs(r *Reporter, a, b *Side) {
	if !r.Debug {
		return
	}
	r.Out(" All seen mailboxes: \n  in first store: \n")
	for _, n := range a.Boxes.Names() {
		r.Out(n + " ")
	}
	r.Out("  in second store: \n")
	for _, n := range b.Boxes.Names() {
		r.Out(n + " ")
	}
	r.Out("\n")
}

// DebugLast prints the lasttime ids per box of the channel, for every box
// seen in either store.
func DebugLast(r *Reporter, channel string, last msinfo.State, a, b *Side) {
	if !r.Debug {
		return
	}
	r.Debugf(" Reading lasttime of channel %q", channel)
	for _, s := range []*Side{a, b} {
		r.Debugf("   Store %s:", s.Name())
		for _, n := range pairOrder(a.Boxes, b.Boxes) {
			r.Debugf("    %s(%d) ", n, len(last[n]))
		}
		r.Out("\n")
	}
}
