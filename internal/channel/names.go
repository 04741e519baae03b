package channel

import (
	"fmt"
	"strings"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
)

// Names from a store are not trusted (doc/design/trust.md, "Names"). A
// box name a store lists becomes a mailbox name in the other store: the
// other store's prefix followed by the box name. For a local store that
// name is a path, so a server that lists "../x" would make the sync
// create, read and expunge files outside the store. Before any box is
// opened, Sync checks the part of each listed name that the listing
// store chose (after what the configuration fixed: the literal start of
// its ref and pat) and skips a box whose name would leave the other
// store's folders. What the user wrote in the configuration (absolute
// paths, "~", ".." in pat, prefix, ref) keeps working.

// configuredPart returns how many bytes at the start of the listed name
// (server part removed) the configuration fixed: the longest of the
// literal starts of pat and of ref+pat that the name begins with.
func configuredPart(cfg *config.Store, name string) int {
	pat := stripServer(cfg.Pat)
	n := 0
	for _, lit := range []string{literalStart(pat), literalStart(stripServer(cfg.Ref) + pat)} {
		if len(lit) > n && strings.HasPrefix(name, lit) {
			n = len(lit)
		}
	}
	return n
}

// literalStart returns pat up to its first wildcard.
func literalStart(pat string) string {
	if i := strings.IndexAny(pat, "%*"); i >= 0 {
		return pat[:i]
	}
	return pat
}

// escape says why chosen, the store-chosen end of a box name, must not
// become a mailbox name of a store whose prefix is prefix, or "" when it
// may. atStart: chosen is the whole box name (nothing of it came from
// the configuration).
func escape(chosen string, atStart bool, prefix string) string {
	for i := 0; i < len(chosen); i++ {
		if c := chosen[i]; c < 0x20 || c == 0x7f {
			return fmt.Sprintf("contains the control character %q", c)
		}
	}
	if atStart && prefix == "" && chosen != "" {
		switch chosen[0] {
		case '~':
			return "starts with ~"
		case '#':
			return "starts with # (a namespace)"
		case '/':
			return "is an absolute path"
		}
	}
	parts := strings.Split(chosen, "/")
	for i, p := range parts {
		switch {
		case p == "..":
			return "has a \"..\" level"
		case p == ".":
			return "has a \".\" level"
		case p == "" && i == 0 && len(parts) > 1:
			return "is an absolute path"
		case p == "" && i < len(parts)-1:
			return "has an empty level"
		}
	}
	return ""
}

// refuseEscapes skips the boxes whose names, as listed by one side,
// would leave the other side's folders: it prints a warning naming the
// box and the store, drops the box from both sides and keeps its last
// state in next. It reports whether any box was skipped.
func (e *Engine) refuseEscapes(a, b *Side, last msinfo.State, next msinfo.State) bool {
	refused := false
	for _, name := range pairOrder(a.Boxes, b.Boxes) {
		for _, p := range [][2]*Side{{a, b}, {b, a}} {
			from, to := p[0], p[1]
			box, ok := from.Boxes.Lookup(name)
			if !ok {
				continue
			}
			chosen := name[min(box.Chosen, len(name)):]
			why := escape(chosen, box.Chosen == 0, to.Cfg.Prefix)
			if why == "" {
				continue
			}
			e.emit(event.Escapes{Mailbox: from.box(name).mailbox, From: from.Name(), To: to.Name(), Why: why})
			a.Boxes.Remove(name)
			b.Boxes.Remove(name)
			if ids, had := last[name]; had {
				next[name] = ids
			}
			refused = true
			break
		}
	}
	return refused
}
