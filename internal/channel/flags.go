package channel

import (
	"context"
	"errors"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
)

// Flags sync (doc/design/flags.md): with Options.FlagSync, the scan keeps
// each message's flags (scanned.flags, a byte a message); once the plan
// is made, planFlags applies the three-way rule per flag to each id both
// sides have, between the flags of their kept copies (a side's first
// message with the id) and the record of the last sync, and after the
// copies each side gets its changes in one store.FlagSetter call. The
// new records go out with the box's kept ids (boxSync.keptFlags).

// errNoFlagSetter is the failure of a box whose mailbox cannot change
// the flags of its messages.
var errNoFlagSetter = errors.New("this kind of mailbox cannot change the flags of its messages (flags sync)")

// flagMove is one message's flag change on one side.
type flagMove struct {
	n             int32 // its id number
	at            int32 // the index of the message changed in its side
	add, remove   store.Flags
	addK, removeK store.Keywords
}

// flagPlan is what flags sync does in one box: the changes to make on
// each side (in byte order of the ids) and each id's record.
type flagPlan struct {
	onA, onB []flagMove
	// old is each id's record after the last sync and rec its record
	// after this one, by id number (0: none).
	old, rec []byte
	// keywords: both mailboxes keep keywords, which are synchronised as
	// flags are; oldK and recK are then each id's keyword records
	// (flagstate.KeywordRecord, "": none), by id number.
	keywords   bool
	oldK, recK []string
}

// changes reports whether the plan changes any flag.
func (fp *flagPlan) changes() bool { return fp != nil && len(fp.onA)+len(fp.onB) > 0 }

// planFlags computes the flag changes of a box whose ids are in t, with
// plan its three-way decision, last its ids after the last sync, lr
// their records and srcAB and srcBA the indexes of the copies' sources
// (firstOf). keywords: both mailboxes keep keywords.
func planFlags(t *idtable.Table, a, b *scanned, plan *idtable.Plan, last []string, lr lastRecords, keywords bool, srcAB, srcBA []int32) *flagPlan {
	fp := &flagPlan{rec: make([]byte, t.Len()), keywords: keywords}
	fp.old, fp.oldK = lr.byID(t, last, keywords)
	if keywords {
		fp.recK = make([]string, t.Len())
	}
	// A message copied by this run is recorded with the flags it was
	// copied with; its keywords, which a copy does not carry, without a
	// record: the next run gives the copy the source's (the union).
	for k, n := range plan.CopyAB {
		fp.rec[n] = flagstate.Record(a.flags[srcAB[k]])
	}
	for k, n := range plan.CopyBA {
		fp.rec[n] = flagstate.Record(b.flags[srcBA[k]])
	}
	firstA, firstB := a.firstIndexes(), b.firstIndexes()
	for _, n := range plan.Kept {
		if t.Marks(n)&(idtable.SideA|idtable.SideB) != idtable.SideA|idtable.SideB {
			continue
		}
		ia, ib := firstA[n]-1, firstB[n]-1
		fa, fb := a.flags[ia]&store.SyncedFlags, b.flags[ib]&store.SyncedFlags
		target := fa | fb // no record: the union
		if r, ok := flagstate.Flags(fp.old[n]); ok {
			target = r ^ ((fa ^ r) | (fb ^ r))
		}
		fp.rec[n] = flagstate.Record(target)
		ma := flagMove{n: n, at: ia, add: target &^ fa, remove: fa &^ target}
		mb := flagMove{n: n, at: ib, add: target &^ fb, remove: fb &^ target}
		if keywords {
			ka, kb := a.keywords[ia], b.keywords[ib]
			kt := threeWayKeywords(fp.oldK[n], ka, kb)
			fp.recK[n] = flagstate.KeywordRecord(kt)
			ma.addK, ma.removeK = kt.Minus(ka), ka.Minus(kt)
			mb.addK, mb.removeK = kt.Minus(kb), kb.Minus(kt)
		}
		if ma.changes() {
			fp.onA = append(fp.onA, ma)
		}
		if mb.changes() {
			fp.onB = append(fp.onB, mb)
		}
	}
	return fp
}

// changes reports whether m changes anything.
func (m flagMove) changes() bool {
	return m.add|m.remove != 0 || m.addK != "" || m.removeK != ""
}

// threeWayKeywords is the three-way rule for keywords, one keyword at a
// time as for flags: with the record rec, a keyword added or removed on
// one side since is added or removed on the other; without one, the
// union of both sides.
func threeWayKeywords(rec string, a, b store.Keywords) store.Keywords {
	r, ok := flagstate.RecordedKeywords(rec)
	if !ok {
		return a.Union(b)
	}
	changed := a.Minus(r).Union(r.Minus(a)).Union(b.Minus(r)).Union(r.Minus(b))
	return r.Minus(changed).Union(changed.Minus(r))
}

// lastRecords are a box's records after the last sync, one per id of
// its msinfo list: flags and, when they were synchronised, keywords.
type lastRecords struct {
	flags    []byte
	keywords []string
}

// byID returns the records of lr (those of the ids last) by id number of
// t: flags, and with keywords the keyword records (nil without; "" for
// an id without one).
func (lr lastRecords) byID(t *idtable.Table, last []string, keywords bool) ([]byte, []string) {
	old := make([]byte, t.Len())
	var oldK []string
	if keywords {
		oldK = make([]string, t.Len())
	}
	for k, id := range last {
		n, ok := t.Lookup(id)
		if !ok {
			continue
		}
		if k < len(lr.flags) {
			old[n] = lr.flags[k]
		}
		if keywords && k < len(lr.keywords) {
			oldK[n] = lr.keywords[k]
		}
	}
	return old, oldK
}

// lastRecordsOf returns box name's records after the last sync.
func (e *Engine) lastRecordsOf(name string) lastRecords {
	return lastRecords{flags: e.LastFlags[name], keywords: e.LastKeywords[name]}
}

// firstIndexes returns, by id number, the index + 1 of the side's first
// message with the id (0: none).
func (s *scanned) firstIndexes() []int32 {
	first := make([]int32, s.t.Len())
	for i, n := range s.nums {
		if n != idtable.NoID && first[n] == 0 {
			first[n] = int32(i + 1)
		}
	}
	return first
}

// at returns the indexes of the messages the moves change.
func movesAt(moves []flagMove) []int32 {
	at := make([]int32, len(moves))
	for k, m := range moves {
		at[k] = m.at
	}
	return at
}

// keptFlags returns the records of the ids ns (plan.Kept) that are kept
// (not dropped), in the order of t.State(ns): flags, and keywords when
// they were synchronised (else nil).
func (fp *flagPlan) keptFlags(t *idtable.Table, ns []int32) lastRecords {
	if fp == nil || len(ns) == 0 {
		return lastRecords{}
	}
	var out lastRecords
	out.flags = make([]byte, 0, len(ns))
	if fp.keywords {
		out.keywords = make([]string, 0, len(ns))
	}
	for _, n := range ns {
		if !t.Dropped(n) {
			out.flags = append(out.flags, fp.rec[n])
			if fp.keywords {
				out.keywords = append(out.keywords, fp.recK[n])
			}
		}
	}
	return out
}

// applyFlags makes the moves on side o (dir is the direction of their
// -m lines, "->" for changes on the second store) in one SetFlags call
// (none under -s) and says so. It returns how many messages it changed
// and whether it could; when it could not, the ids moved keep their old
// records, so the next run makes the same changes again.
func (e *Engine) applyFlags(ctx context.Context, o *openSide, fp *flagPlan, moves []flagMove, dir string) (int, bool) {
	if len(moves) == 0 {
		return 0, true
	}
	err := e.setFlags(ctx, o, moves)
	if errors.Is(err, store.ErrKeywordsFull) && ctx.Err() == nil {
		// No room for a new keyword: the rest is made, and the moves
		// that add keywords keep their last keyword records, so that the
		// next run tries the additions again (and says so again) and
		// never takes their absence here for a removal.
		if n, ok := e.applyWithoutAdditions(ctx, o, fp, moves, dir); ok {
			e.emit(event.FlagChangeFailed{Full: o.full(), Store: o.side.Name(), Err: err})
			return n, false
		}
	}
	if err != nil {
		for _, m := range moves {
			fp.rec[m.n] = fp.old[m.n]
			if fp.keywords {
				fp.recK[m.n] = fp.oldK[m.n]
			}
		}
		if ctx.Err() == nil && !e.goneIn(err, o.side) {
			e.emit(event.FlagChangeFailed{Full: o.full(), Store: o.side.Name(), Err: err})
		}
		return 0, false
	}
	e.sayMoves(o, moves, dir)
	return len(moves), true
}

// sayMoves prints (-m) a line for each move made on side o.
func (e *Engine) sayMoves(o *openSide, moves []flagMove, dir string) {
	if !e.Opt.Long {
		return
	}
	for _, m := range moves {
		e.emit(event.FlagsChanged{Dir: dir, From: summary(&o.scan.det, m.at), ID: o.scan.t.Str(m.n), Add: m.add, Remove: m.remove,
			AddKeywords: m.addK, RemoveKeywords: m.removeK})
	}
}

// applyWithoutAdditions makes moves on side o without their keyword
// additions (after the store had no room for one); the moves that had
// some keep their last keyword records. It reports how many moves it
// made, and false when that failed too.
func (e *Engine) applyWithoutAdditions(ctx context.Context, o *openSide, fp *flagPlan, moves []flagMove, dir string) (int, bool) {
	rest := make([]flagMove, 0, len(moves))
	for _, m := range moves {
		if m.addK != "" {
			if fp.keywords {
				fp.recK[m.n] = fp.oldK[m.n]
			}
			m.addK = ""
		}
		if m.add != 0 || m.remove != 0 || m.removeK != "" {
			rest = append(rest, m)
		}
	}
	if err := e.setFlags(ctx, o, rest); err != nil {
		return 0, false
	}
	e.sayMoves(o, rest, dir)
	return len(rest), true
}

// setFlags makes the moves on side o, unless the run simulates.
func (e *Engine) setFlags(ctx context.Context, o *openSide, moves []flagMove) error {
	fs, ok := o.mb.(store.FlagSetter)
	if !ok {
		return errNoFlagSetter
	}
	if e.Opt.Simulate {
		return nil
	}
	changes := make([]store.FlagChange, len(moves))
	for k, m := range moves {
		changes[k] = store.FlagChange{Key: o.scan.keys[m.at], Add: m.add, Remove: m.remove,
			AddKeywords: m.addK, RemoveKeywords: m.removeK}
	}
	return fs.SetFlags(ctx, changes)
}
