package channel

import (
	"strings"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
)

// c-client's open options as 5.2.7's -d "Opening NAME with options N"
// lines show them (doc/design/cli.md, "-d and c-client's names").
const (
	opDebug    = 1  // OP_DEBUG: added by -di to the store-level opens
	opReadOnly = 2  // OP_READONLY
	opHalfOpen = 64 // OP_HALFOPEN: a connection without a mailbox
)

// listStreamNamer is a store listed through a c-client stream (a
// server): 5.2.7's -d item lines start with the stream's name.
type listStreamNamer interface {
	ListStreamName() string
}

// DebugOpenStore prints 5.2.7's -d line for the half-open, read-only
// connection it opens to a store on a server before listing it; nothing
// for a local store.
func DebugOpenStore(r *Reporter, cfg *config.Store) {
	if r.Debug && cfg.Server != "" {
		r.Debugf("Opening %s with options %d", cfg.Server, r.storeOptions(opHalfOpen|opReadOnly))
	}
}

// debugAppendStream prints 5.2.7's -d line for the half-open connection
// it opens to append to dst, a store on a server, before copying into it.
func (r *Reporter) debugAppendStream(dst *Side) {
	if r.Debug && dst.Cfg.Server != "" {
		r.Debugf("Opening %s with options %d", dst.Cfg.Server, r.storeOptions(opHalfOpen))
	}
}

// storeOptions adds OP_DEBUG under -di: 5.2.7 adds it to the opens of
// whole stores only, not to those of mailboxes.
func (r *Reporter) storeOptions(o int) int {
	if r.DebugIMAP {
		o |= opDebug
	}
	return o
}

// listPrefix is the server part c-client puts before each name a server
// lists: the reference's "{...}" as written, else the pattern's, else
// the store's server.
func listPrefix(cfg *config.Store) string {
	for _, s := range []string{cfg.Ref, cfg.Pat} {
		if strings.HasPrefix(s, "{") {
			if i := strings.IndexByte(s, '}'); i >= 0 {
				return s[:i+1]
			}
		}
	}
	return cfg.Server
}

// DebugSide prints the -d lines about a listed store (doc/design/behaviour.md#debug-output). Each
// item is what c-client handed 5.2.7's mm_list: for a server the name of
// the listing stream, then the listed name with the list prefix; for a
// local store the name alone. Items come in the order listed.
func DebugSide(r *Reporter, s *Side) {
	if !r.Debug {
		return
	}
	r.Debugf("No driver for store %s found", s.Name())
	r.Debugf(" Items in store %q:", s.Name())
	lead := ""
	if n, ok := s.Store.(listStreamNamer); ok {
		lead = n.ListStreamName() + listPrefix(s.Cfg)
	}
	for _, e := range s.Boxes.listed {
		var b strings.Builder
		b.WriteString("  " + lead + e.Name)
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

// DebugLast prints the lasttime ids per box of the channel: for each
// store its own boxes as listed (in box order), before any is created.
func DebugLast(r *Reporter, channel string, last msinfo.State, a, b *Side) {
	if !r.Debug {
		return
	}
	r.Debugf(" Reading lasttime of channel %q", channel)
	for _, s := range []*Side{a, b} {
		r.Debugf("   Store %s:", s.Name())
		for _, n := range s.Boxes.Names() {
			r.Debugf("    %s(%d) ", n, len(last[n]))
		}
		r.Out("\n")
	}
}
