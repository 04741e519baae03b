package channel

import (
	"context"
	"errors"

	"github.com/mailsync/mailsync/internal/channel/details"
	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// scanned is what reading one box's messages yields and what the rest of
// the box's sync needs of them: the id of each message, as a number in
// the box's id table (package idtable, 4 bytes a message), its duplicates and the -vb
// warnings of its repaired ids. No header is kept, nor the key, size,
// flags and date of every message: those of the messages the sync acts
// on are its details. A box that lists its messages keeps them all from
// its listing, which is in memory anyway. A box that streams them
// (store.Streamer) keeps those of the messages whose id the last state
// lacks: the only ones that may be copied, few once the box has been
// synchronised, and every one the first time. It is read again for the
// others it deletes, once the plan is known (loadDetails).
type scanned struct {
	t      *idtable.Table
	mark   idtable.Mark // this side's mark in t
	nums   []int32      // id number of each message in mailbox order; idtable.NoID for one without (doc/design/decisions.md#d1-id-less-messages)
	dups   []int32      // indexes of later occurrences of an id, increasing
	idless int          // messages without an id
	// trashed counts the messages flagged \Deleted.
	trashed int
	// repairs holds the -vb warnings of the ids that were repaired, by
	// message index (5.2.7 prints them again when it copies or deletes).
	repairs map[int32]event.IDRepaired
	det     details.Set
	// streamed: the box streams its messages; det is loaded later.
	streamed bool
	// incomplete: the listing left messages out (store.SkippedError):
	// the run fails and the box is never settled.
	incomplete bool
	// flags, keywords and keys are the flags, keywords and store keys of
	// each message in mailbox order, kept with Options.FlagSync only
	// (flags.go): a flag change needs no more of a message, so a
	// streamed box is not read again for it (loadDetails).
	flags    []store.Flags
	keywords []store.Keywords
	keys     []uint64
}

// count is the number of messages of the box.
func (s *scanned) count() int { return len(s.nums) }

// repairOf returns the -vb warning of message i's id, if it was repaired.
func (s *scanned) repairOf(i int32) (event.IDRepaired, bool) {
	w, ok := s.repairs[i]
	return w, ok
}

// scanStyle says how id-less messages and duplicates are shown while
// reading ids.
type scanStyle int

const (
	styleSummary scanStyle = iota // sync/diff summary: "  no msg-id    " without newline
	styleLong                     // sync/diff -m: duplicate lines
	styleList                     // list -m: every message
)

// style is the scan style of a box's sync or diff.
func (e *Engine) style() scanStyle {
	if e.Opt.Long {
		return styleLong
	}
	return styleSummary
}

// scanBox reads the messages of an open box, entering their ids in t with
// mark. What 5.2.7 prints while it collects ids is recorded, not printed:
// the caller replays it once the box has been read whole (a box that
// fails half way prints nothing of its scan, as one whose listing fails).
// It writes nothing else, so it may run ahead in another goroutine.
// keep says whether the sync will need the messages' details (see
// scanned: a box that lists its messages then keeps them all, a streamed
// one those of the ids the last state lacks).
//
// A box that streams its messages is read one message at a time: only
// one message's header is in memory at once.
func (e *Engine) scanBox(ctx context.Context, mb store.Mailbox, style scanStyle, t *idtable.Table, mark idtable.Mark, keep bool) (*scanned, *scanOut, error) {
	out := &scanOut{}
	sc := &idScan{e: e, style: style, out: out, s: &scanned{t: t, mark: mark}}
	if ms, ok := mb.(store.Streamer); ok {
		sc.s.streamed, sc.keepNew = true, keep
		if err := ms.EachMessage(ctx, func(m store.Message) error { sc.add(m); return nil }); err != nil {
			return nil, nil, err
		}
		return sc.s, out, nil
	}
	msgs, err := mb.Messages(ctx)
	var skipped *store.SkippedError
	if errors.As(err, &skipped) {
		for _, l := range skipped.Left {
			out.emit(event.Note{Note: l})
		}
		sc.s.incomplete, err = true, nil
	}
	if err != nil {
		return nil, nil, err
	}
	sc.s.nums = make([]int32, 0, len(msgs))
	if keep {
		sc.s.det = details.New(len(msgs))
		sc.keep = true
	}
	for i := range msgs {
		m := msgs[i]
		msgs[i].Header = nil // the header of a read message may be collected
		sc.add(m)
	}
	return sc.s, out, nil
}

// scanOut records the events a scan reports (among them a backend's
// notes about messages it left out), in order, for the engine to emit
// once the box has been read whole (replayScan).
type scanOut struct{ events []event.Event }

func (o *scanOut) emit(ev event.Event) { o.events = append(o.events, ev) }

// replayScan reports what a scan recorded.
func (e *Engine) replayScan(o *scanOut) {
	for _, ev := range o.events {
		e.emit(ev)
	}
	o.events = nil
}

// idScan computes the ids of a box's messages one message at a time.
type idScan struct {
	e     *Engine
	style scanStyle
	out   *scanOut
	s     *scanned
	keep  bool // keep the details of every message
	// keepNew: keep the details of the messages whose id the last state
	// lacks.
	keepNew bool
}

// add reads the next message (its header is not used after the call),
// computes its id and prints what 5.2.7 prints for it while it collects
// ids.
func (sc *idScan) add(m store.Message) {
	e, s, r := sc.e, sc.s, sc.out
	i := int32(len(s.nums))
	if e.Opt.FlagSync {
		s.flags = append(s.flags, m.Flags)
		s.keywords = append(s.keywords, m.Keywords)
		s.keys = append(s.keys, m.Key)
	}
	if m.Flags&store.Deleted != 0 {
		s.trashed++
	}
	if sc.keep {
		s.det.Add(i, m, e.printedLater(m))
	}
	id := msgid.Compute(e.Opt.Alg, m.Header)
	if id.Repair != msgid.NotRepaired {
		if s.repairs == nil {
			s.repairs = map[int32]event.IDRepaired{}
		}
		w := event.IDRepaired{ID: id.Value, Repair: id.Repair}
		s.repairs[i] = w
		if e.R.Vb {
			r.emit(w)
		}
	}
	if id.Missing {
		s.nums = append(s.nums, idtable.NoID)
		s.idless++
		if e.Opt.Alg == msgid.MsgID {
			// doc/design/decisions.md#d1-id-less-messages: warned once, then ignored (list mode still shows it).
			r.emit(noMessageID(m.Header))
			if sc.style == styleList {
				r.emit(event.Listed{ID: id.Value, From: fromPart(m.InternalDate, m.Header)})
			}
			return
		}
		r.emit(event.Message{Action: event.NoID, From: fromPart(m.InternalDate, m.Header)})
		return
	}
	n, dup, last := s.t.Add(id.Value, s.mark)
	s.nums = append(s.nums, n)
	if sc.keepNew && !last {
		s.det.Add(i, m, e.printedLater(m))
	}
	if dup {
		s.dups = append(s.dups, i)
		switch sc.style {
		case styleLong:
			r.emit(event.Message{Action: event.Duplicate, From: fromPart(m.InternalDate, m.Header), ID: id.Value})
		case styleList:
			r.emit(event.Listed{ID: id.Value, From: fromPart(m.InternalDate, m.Header), Dup: true})
		}
		return
	}
	if sc.style == styleList {
		r.emit(event.Listed{ID: id.Value, From: fromPart(m.InternalDate, m.Header)})
	}
}

// printedLater reports whether a line with m's from part may be printed
// after the scan: with -m every copy and deletion has one; without, only
// a message the copy skips (flagged deleted, too big).
func (e *Engine) printedLater(m store.Message) bool {
	return e.Opt.Long ||
		m.Flags&store.Deleted != 0 && !e.Opt.CopyDeleted ||
		e.Opt.SizeLimit > 0 && uint64(m.Size) > e.Opt.SizeLimit
}

// warnRepair gives again the -vb warning of a repaired id (w, when ok).
func (e *Engine) warnRepair(w event.IDRepaired, ok bool) {
	if ok && e.R.Vb {
		e.emit(w)
	}
}

// noMessageID is the warning about a message without usable Message-ID
// with header hdr: its From local part and its Subject.
func noMessageID(hdr []byte) event.NoMessageID {
	return event.NoMessageID{From: header.FromLocal(hdr), Subject: header.Subject(hdr)}
}
