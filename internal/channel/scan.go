package channel

import (
	"context"
	"fmt"

	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// scanned is what reading one box's messages yields and what the rest of
// the box's sync needs of them. No header is kept, except the few lines
// of the messages whose "from part" may be printed later (heads), so a
// box costs about 160 bytes a message with a typical Message-ID: the
// message (72, Header nil), its id (16 + the string) and a slot in the
// index of first occurrences.
type scanned struct {
	msgs  []store.Message // in mailbox order, Header nil
	ids   []string        // id of each message, "" for one without (D1)
	first *firstIndex     // id → index of its first occurrence
	dups  []int           // indexes of later occurrences of an id
	// repairs holds the -vb warnings of the ids that were repaired, by
	// message index (5.2.7 prints them again when it copies or deletes).
	repairs map[int32][]string
	heads   fromHeads
}

// missing counts the messages without an id (left alone under D1).
func (s *scanned) missing() int {
	n := 0
	for _, id := range s.ids {
		if id == "" {
			n++
		}
	}
	return n
}

// set returns the ids of the box as a set.
func (s *scanned) set() map[string]bool {
	m := make(map[string]bool, s.first.n)
	s.first.each(s.ids, func(id string) { m[id] = true })
	return m
}

// firstOf returns the index of the first message with id (one the box has).
func (s *scanned) firstOf(id string) int {
	i, _ := s.first.lookup(s.ids, id)
	return i
}

// repairsOf returns the -vb warnings of message i's id.
func (s *scanned) repairsOf(i int) []string { return s.repairs[int32(i)] }

// fromPart is the date/sender/subject part of message i's lines. Only the
// messages whose header lines the scan kept (printedLater) have one.
func (s *scanned) fromPart(i int) string {
	return fromPart(s.msgs[i].InternalDate, s.heads.get(i))
}

// scanStyle says how id-less messages and duplicates are shown while
// reading ids.
type scanStyle int

const (
	styleSummary scanStyle = iota // sync/diff summary: "  no msg-id    " without newline
	styleLong                     // sync/diff -m: duplicate lines
	styleList                     // list -m: every message
)

// messageStreamer is implemented by mailboxes that hand their messages
// out one at a time (mbox): a box is then scanned without a list of all
// its headers in memory. Header is valid only during the call of fn.
type messageStreamer interface {
	EachMessage(ctx context.Context, fn func(store.Message) error) error
}

// scanBox reads the messages of an open box and computes their ids,
// printing the lines that 5.2.7 prints while it collects ids. A box that
// streams its messages is read one message at a time (streamScan).
func (e *Engine) scanBox(ctx context.Context, mb store.Mailbox, style scanStyle) (*scanned, error) {
	if ms, ok := mb.(messageStreamer); ok {
		s, out, err := e.streamScan(ctx, ms, style)
		if err != nil {
			return nil, err
		}
		out.replay(e.R)
		return s, nil
	}
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, err
	}
	return e.scanList(msgs, style), nil
}

// streamScan reads a box that streams its messages and computes their
// ids; only one message's header is in memory at a time. What 5.2.7 would
// print while collecting ids is recorded, not printed: the caller replays
// it once the box has been read whole (a box that fails half way prints
// nothing of its scan, as one whose listing fails). It writes nothing
// else, so it may run ahead in another goroutine.
func (e *Engine) streamScan(ctx context.Context, ms messageStreamer, style scanStyle) (*scanned, *deferredOut, error) {
	out := &deferredOut{}
	sc := e.newScan(style, out)
	if err := ms.EachMessage(ctx, func(m store.Message) error { sc.add(m); return nil }); err != nil {
		return nil, nil, err
	}
	return sc.s, out, nil
}

// scanList computes the ids of a box's messages (scanBox's work once the
// list is read). It takes msgs over, and drops each message's Header (set
// to nil) once read, so that the headers of a large box can be collected
// while it is scanned.
func (e *Engine) scanList(msgs []store.Message, style scanStyle) *scanned {
	sc := e.newScan(style, e.R)
	sc.s.msgs, sc.s.ids = msgs, make([]string, len(msgs))
	for i := range msgs {
		m := msgs[i]
		msgs[i].Header = nil
		sc.read(i, m)
	}
	return sc.s
}

// scanOut is where a scan's lines go: the Reporter, or a deferredOut.
type scanOut interface {
	Out(s string)
	Errf(format string, args ...any)
}

// idScan computes the ids of a box's messages one message at a time.
type idScan struct {
	e     *Engine
	style scanStyle
	out   scanOut
	s     *scanned
}

// newScan starts a scan whose lines go to out.
func (e *Engine) newScan(style scanStyle, out scanOut) *idScan {
	return &idScan{e: e, style: style, out: out, s: &scanned{first: newFirstIndex()}}
}

// add reads the next message of a streamed box (its header is not used
// after the call).
func (sc *idScan) add(m store.Message) {
	i := len(sc.s.msgs)
	kept := m
	kept.Header = nil
	sc.s.msgs = append(sc.s.msgs, kept)
	sc.s.ids = append(sc.s.ids, "")
	sc.read(i, m)
}

// read computes the id of message i (m, with its header) and prints what
// 5.2.7 prints for it while it collects ids.
func (sc *idScan) read(i int, m store.Message) {
	e, s, r := sc.e, sc.s, sc.out
	if e.printedLater(m) {
		s.heads.add(i, m.Header)
	}
	id := msgid.Compute(e.Opt.Alg, m.Header)
	if len(id.Repairs) > 0 {
		if s.repairs == nil {
			s.repairs = map[int32][]string{}
		}
		s.repairs[int32(i)] = id.Repairs
		if e.R.Vb {
			for _, w := range id.Repairs {
				r.Errf("%s\n", w)
			}
		}
	}
	if id.Missing {
		if e.Opt.Alg == msgid.MsgID {
			// D1: warned once, then ignored (list mode still shows it).
			r.Out(msgid.EmptyWarning(m.Header) + "\n")
			if sc.style == styleList {
				r.Out(e.optID(id.Value) + fromPart(m.InternalDate, m.Header) + "\n")
			}
			return
		}
		switch sc.style {
		case styleSummary:
			r.Out(lead("no msg-id", ""))
		default:
			r.Out(lead("no msg-id", "") + fromPart(m.InternalDate, m.Header) + "\n")
		}
		return
	}
	s.ids[i] = id.Value
	if _, seen := s.first.lookup(s.ids, id.Value); seen {
		s.dups = append(s.dups, i)
		switch sc.style {
		case styleLong:
			r.Out(lead("duplicate", "") + fromPart(m.InternalDate, m.Header) + e.optID(id.Value) + "\n")
		case styleList:
			r.Out(lead("duplicate", "") + e.optID(id.Value) + fromPart(m.InternalDate, m.Header) + "\n")
		}
		return
	}
	s.first.insert(s.ids, i)
	if sc.style == styleList {
		r.Out(e.optID(id.Value) + fromPart(m.InternalDate, m.Header) + "\n")
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

// warnRepairs prints the -vb warnings of one id computation.
func (e *Engine) warnRepairs(repairs []string) {
	if e.R.Vb {
		for _, w := range repairs {
			e.R.Errf("%s\n", w)
		}
	}
}

// optID is the id column of sync/diff lines: only with -M.
func (e *Engine) optID(id string) string {
	if e.Opt.ShowIDs {
		return idPart(id)
	}
	return ""
}

// deferredOut records what a scan prints, stdout and stderr in their
// order, to print it once the scan has succeeded: a box that fails half
// way prints nothing of its scan, as when its listing fails.
type deferredOut struct {
	lines []deferredLine
}

type deferredLine struct {
	stderr bool
	text   string
}

func (d *deferredOut) Out(s string) { d.lines = append(d.lines, deferredLine{text: s}) }

func (d *deferredOut) Errf(format string, args ...any) {
	d.lines = append(d.lines, deferredLine{stderr: true, text: fmt.Sprintf(format, args...)})
}

// replay prints what was recorded.
func (d *deferredOut) replay(r *Reporter) {
	for _, l := range d.lines {
		if l.stderr {
			r.Errf("%s", l.text)
		} else {
			r.Out(l.text)
		}
	}
	d.lines = nil
}
