package imap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.FlagSetter = (*Mailbox)(nil)

// SetFlags implements store.FlagSetter (doc/design/flags.md, "Backends"):
// one UID STORE uids +FLAGS.SILENT (...) per distinct Add set and one
// -FLAGS.SILENT per distinct Remove set, the UIDs as ranges, all sent
// before any answer is awaited, so a box costs one round trip whatever
// the number of messages and sets.
//
// Before anything is sent: a read-only box fails with store.ErrReadOnly,
// and a key that the last listing (Messages) did not give is an error.
// A flag the server says it does not keep in the folder (PERMANENTFLAGS,
// keptFlags) is not sent: the other changes are, and the call fails
// naming the flag, so the caller keeps its old record rather than one
// the server will not hold.
//
// The answers are read and dropped: untagged FETCH data that comes with
// them (asked for or not) changes nothing here, since flags are never
// kept on this side; Messages asks the server again. A NO or BAD to any
// of the commands fails the call (the others may have been applied), and
// the connection stays usable.
func (m *Mailbox) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if m.mode == store.ReadOnly {
		return m.flagsError(store.ErrReadOnly)
	}
	for _, c := range changes {
		if _, ok := m.listed(c.Key); !ok && ((c.Add|c.Remove)&store.SyncedFlags != 0 || c.AddKeywords+c.RemoveKeywords != "") {
			return m.flagsError(fmt.Errorf("message UID %d was not listed in this session", c.Key))
		}
	}
	if len(changes) == 0 {
		return nil
	}
	var unkept store.Flags
	var unkeptK store.Keywords
	err := m.run(ctx, func() error {
		kept := m.keptFlags()
		var sets []flagSet
		sets, unkept, unkeptK = groupChanges(changes, kept, m.keywords)
		return m.storeAll(sets)
	})
	if err != nil {
		return m.flagsError(err)
	}
	if unkept != 0 || unkeptK != "" {
		return m.flagsError(fmt.Errorf("the server does not keep %s in this folder (PERMANENTFLAGS); the other changes were made",
			flagsText(unkept, unkeptK)))
	}
	return nil
}

// flagsError wraps err with the box and the server.
func (m *Mailbox) flagsError(err error) error {
	return fmt.Errorf("set flags in %s on %s: %w", m.name, m.st.srv.Address(), err)
}

// flagSet is one UID STORE: flags and keywords added (or removed) on
// uids.
type flagSet struct {
	op       goimap.StoreFlagsOp
	flags    store.Flags
	keywords store.Keywords
	uids     goimap.UIDSet
}

// imapFlags are the flags and keywords of s, as the command sends them.
func (s flagSet) imapFlags() []goimap.Flag { return withKeywords(s.flags, s.keywords) }

// String is the command's data, as an error names it; a long UID set
// is cut short, with the number of messages it holds.
func (s flagSet) String() string {
	sign := "+"
	if s.op == goimap.StoreFlagsDel {
		sign = "-"
	}
	uids := s.uids.String()
	if len(uids) > 40 {
		n := 0
		for _, r := range s.uids {
			n += int(r.Stop-r.Start) + 1
		}
		cut := strings.LastIndexByte(uids[:40], ',')
		uids = fmt.Sprintf("%s,... (%d messages)", uids[:max(cut, 0)], n)
	}
	return fmt.Sprintf("UID STORE %s %sFLAGS.SILENT (%s)", uids, sign, flagsText(s.flags, s.keywords))
}

// groupChanges turns changes into one flagSet per distinct Add set and
// one per distinct Remove set (of SyncedFlags, without the flags kept
// lacks, which it returns as unkept; with their keywords when keywords,
// the folder keeps them, else those are returned as unkeptK): the
// additions first, each kind ordered by its flags and keywords, so the
// commands are the same for the same changes. UIDs gather into ranges
// (1:3,5); a set whose ranges would make a command line longer than
// setMax is split (splitSet).
func groupChanges(changes []store.FlagChange, kept store.Flags, keywords bool) (sets []flagSet, unkept store.Flags, unkeptK store.Keywords) {
	type what struct {
		flags    store.Flags
		keywords store.Keywords
	}
	adds := map[what][]goimap.UID{}
	removes := map[what][]goimap.UID{}
	for _, c := range changes {
		add, remove := c.Synced()
		unkept |= (add | remove) &^ kept
		addK, removeK := c.AddKeywords, c.RemoveKeywords.Minus(c.AddKeywords)
		if !keywords {
			unkeptK = unkeptK.Union(addK).Union(removeK)
			addK, removeK = "", ""
		}
		a, r := what{add & kept, addK}, what{remove & kept, removeK}
		if a != (what{}) {
			adds[a] = append(adds[a], goimap.UID(c.Key))
		}
		if r != (what{}) {
			removes[r] = append(removes[r], goimap.UID(c.Key))
		}
	}
	for _, kind := range []struct {
		op  goimap.StoreFlagsOp
		sel map[what][]goimap.UID
	}{{goimap.StoreFlagsAdd, adds}, {goimap.StoreFlagsDel, removes}} {
		keys := slices.SortedFunc(maps.Keys(kind.sel), func(x, y what) int {
			if x.flags != y.flags {
				return int(x.flags) - int(y.flags)
			}
			return strings.Compare(string(x.keywords), string(y.keywords))
		})
		for _, w := range keys {
			uids := kind.sel[w]
			slices.Sort(uids)
			var set goimap.UIDSet
			set.AddNum(uids...)
			for _, part := range splitSet(set, setMax) {
				sets = append(sets, flagSet{op: kind.op, flags: w.flags, keywords: w.keywords, uids: part})
			}
		}
	}
	return sets, unkept, unkeptK
}

// setMax bounds the text of one command's UID set. RFC 7162 (section 4)
// asks clients to keep command lines within 8192 octets, and servers
// refuse longer ones (Dovecot beyond 64 KiB): a set of scattered UIDs
// (every second message) would pass that with a few thousand messages.
const setMax = 8000

// splitSet cuts set into sets whose text ("1:3,5") is at most limit bytes,
// keeping its ranges whole and in order.
func splitSet(set goimap.UIDSet, limit int) []goimap.UIDSet {
	var out []goimap.UIDSet
	var cur goimap.UIDSet
	n := 0
	for _, r := range set {
		w := len(goimap.UIDSet{r}.String())
		if len(cur) > 0 && n+1+w > limit {
			out = append(out, cur)
			cur, n = nil, 0
		}
		if len(cur) > 0 {
			n++ // the comma
		}
		cur = append(cur, r)
		n += w
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// keptFlags returns the SyncedFlags the server keeps in the selected
// folder: those its PERMANENTFLAGS lists, or all of them when it lists
// \* (a server that keeps any keyword a client makes up keeps the system
// flags; go-imap's own server lists only the flags in use, plus \*) or
// nothing. go-imap cannot tell an empty list from none, and RFC 3501
// says none means every flag is kept; a folder in which the user may
// change nothing is selected [READ-ONLY] by the servers seen, which then
// refuse the STORE (doc/design/flags.md, "Backends").
func (m *Mailbox) keptFlags() store.Flags {
	mb := m.sess.c.Mailbox()
	if mb == nil || len(mb.PermanentFlags) == 0 || slices.Contains(mb.PermanentFlags, goimap.FlagWildcard) {
		return store.SyncedFlags
	}
	return fromIMAP(mb.PermanentFlags) & store.SyncedFlags
}

// storeAll sends one UID STORE per set back to back, then reads every
// answer. Each command's answers are read by a goroutine of its own: a
// server may answer a later command's UIDs before an earlier command
// ends, and go-imap holds only 128 of a command's untagged answers
// before its reader waits for them to be taken. A literal in an answer
// is refused as in a listing (literal.go): a large one costs the
// connection.
func (m *Mailbox) storeAll(sets []flagSet) error {
	cmds := make([]*imapclient.FetchCommand, len(sets))
	for i, s := range sets {
		cmds[i] = m.sess.c.Store(s.uids, &goimap.StoreFlags{Op: s.op, Silent: true, Flags: s.imapFlags()}, nil)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		refused error // the reason the connection was closed
		broken  bool  // a literal could not be read
	)
	errs := make([]error, len(cmds))
	for i, cmd := range cmds {
		wg.Go(func() {
			reason, lost := m.drainStore(cmd, sets[i])
			if reason != nil || lost {
				mu.Lock()
				if refused == nil {
					refused = reason
				}
				broken = broken || lost
				mu.Unlock()
			}
			errs[i] = cmd.Close()
		})
	}
	wg.Wait()
	if refused != nil {
		m.abandon(refused)
		return m.dropped
	}
	if broken {
		m.broken = true
	}
	var failed []string
	for i, err := range errs {
		if err == nil {
			continue
		}
		var ie *goimap.Error
		if !errors.As(err, &ie) {
			return err // the connection failed: every command did
		}
		failed = append(failed, fmt.Sprintf("%s: %s", sets[i], errText(err)))
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// drainStore reads the untagged answers routed to one STORE command and
// drops them. A literal no larger than drainMax is read and thrown away;
// a larger one closes the connection (so every command ends) and is
// returned as the reason. lost: a literal could not be read.
func (m *Mailbox) drainStore(cmd *imapclient.FetchCommand, s flagSet) (reason error, lost bool) {
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			var lit goimap.LiteralReader
			switch it := item.(type) {
			case imapclient.FetchItemDataBodySection:
				lit = it.Literal
			case imapclient.FetchItemDataBinarySection:
				lit = it.Literal
			}
			if lit == nil {
				continue
			}
			if n := lit.Size(); n >= 0 && n <= drainMax {
				if _, err := io.Copy(io.Discard, lit); err != nil {
					lost = true
				}
				continue
			}
			if reason == nil {
				reason = fmt.Errorf("unasked %d-byte literal in the answer to %s in %s", lit.Size(), s, m.name)
				m.closeConn()
			}
			io.Copy(io.Discard, lit) // fails at once: the connection is closed
		}
	}
	return reason, lost
}

// closeConn closes the connection's socket, which any goroutine may do:
// every read then fails, go-imap's reader ends, and with it every pending
// command.
func (m *Mailbox) closeConn() {
	if m.sess.conn != nil {
		m.sess.conn.Close()
		return
	}
	go m.sess.c.Close()
}

// flagNames names flags as IMAP does: "\Seen \Flagged".
func flagNames(f store.Flags) string {
	var names []string
	for _, fl := range toIMAP(f) {
		names = append(names, string(fl))
	}
	return strings.Join(names, " ")
}
