package channel

import (
	"strings"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// The -d events (package event, debug.go) that need more than one line of
// the engine to make: their data, computed here; the printer words them.

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

// OpeningStore is the event of the half-open, read-only connection 5.2.7
// opens to a store on a server before listing it (debugIMAP: -di); ok is
// false for a local store, which has no connection.
func OpeningStore(cfg *config.Store, debugIMAP bool) (ev event.Opening, ok bool) {
	if cfg.Server == "" {
		return event.Opening{}, false
	}
	return event.Opening{Full: cfg.Server, Options: storeOptions(debugIMAP, opHalfOpen|opReadOnly)}, true
}

// openingAppend emits the event of the half-open connection 5.2.7 opens
// to append to dst, a store on a server, before copying into it.
func (e *Engine) openingAppend(dst *Side) {
	if dst.Cfg.Server != "" {
		e.emit(event.Opening{Full: dst.Cfg.Server, Options: storeOptions(e.R.DebugIMAP, opHalfOpen)})
	}
}

// storeOptions adds OP_DEBUG under -di: 5.2.7 adds it to the opens of
// whole stores only, not to those of mailboxes.
func storeOptions(debugIMAP bool, o int) int {
	if debugIMAP {
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

// StoreListed are the events about a listed store
// (doc/design/behaviour.md#debug-output): NoDriver, StoreItems and
// Delimiter. Each item is what c-client handed 5.2.7's mm_list: for a
// server the name of the listing stream, then the listed name with the
// list prefix; for a local store the name alone. Items come in the order
// listed.
func StoreListed(s *Side) []event.Event {
	lead := ""
	if n, ok := s.Store.(listStreamNamer); ok {
		lead = n.ListStreamName() + listPrefix(s.Cfg)
	}
	return []event.Event{
		event.NoDriver{Store: s.Name()},
		event.StoreItems{Store: s.Name(), Lead: lead, Items: s.Boxes.listed},
		event.Delimiter{Store: s.Name(), Delim: s.Boxes.Delim},
	}
}

// SeenMailboxes is the event of the boxes seen in both stores.
func SeenMailboxes(a, b *Side) event.SeenMailboxes {
	return event.SeenMailboxes{First: a.Boxes.Names(), Second: b.Boxes.Names()}
}

// LastRead are the events of the lasttime ids per box of the channel:
// for each store its own boxes as listed (in box order), before any is
// created.
func LastRead(channel string, last msinfo.State, a, b *Side) []event.Event {
	evs := []event.Event{event.ReadingLast{Channel: channel}}
	for _, s := range []*Side{a, b} {
		ids := event.LastIDs{Store: s.Name()}
		for _, n := range s.Boxes.Names() {
			ids.Boxes = append(ids.Boxes, event.LastBox{Box: n, N: len(last[n])})
		}
		evs = append(evs, ids)
	}
	return evs
}

// fetchingIDs emits the event naming the mailbox of box x whose ids are
// read, with c-client's full name (a local file's absolute path). Only
// under -d: that name costs a store work (an MH profile read).
func (e *Engine) fetchingIDs(x sideBox) {
	if d, ok := x.side.Store.(store.Describer); ok && e.R.Debug {
		e.emit(event.FetchingIDs{Mailbox: d.Describe(x.mailbox)})
	}
}
