package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// scanned is what reading one box's messages yields: ids in mailbox
// order, first occurrences, duplicates.
type scanned struct {
	msgs  []store.Message
	ids   []msgid.ID
	first map[string]int // id → index of its first occurrence
	dups  []int          // indexes of later occurrences of an id
}

// missing counts the messages without an id (left alone under D1).
func (s *scanned) missing() int {
	n := 0
	for _, id := range s.ids {
		if id.Missing {
			n++
		}
	}
	return n
}

// set returns the ids of the box as a set.
func (s *scanned) set() map[string]bool {
	m := make(map[string]bool, len(s.first))
	for id := range s.first {
		m[id] = true
	}
	return m
}

// scanStyle says how id-less messages and duplicates are shown while
// reading ids.
type scanStyle int

const (
	styleSummary scanStyle = iota // sync/diff summary: "  no msg-id    " without newline
	styleLong                     // sync/diff -m: duplicate lines
	styleList                     // list -m: every message
)

// scanBox reads the messages of an open box and computes their ids,
// printing the lines that 5.2.7 prints while it collects ids.
func (e *Engine) scanBox(ctx context.Context, mb store.Mailbox, style scanStyle) (*scanned, error) {
	msgs, err := mb.Messages(ctx)
	if err != nil {
		return nil, err
	}
	return e.scanList(msgs, style), nil
}

// scanList computes the ids of a box's messages (scanBox's work once the
// list is read).
func (e *Engine) scanList(msgs []store.Message, style scanStyle) *scanned {
	s := &scanned{msgs: msgs, ids: make([]msgid.ID, len(msgs)), first: map[string]int{}}
	r := e.R
	for i, m := range msgs {
		id := msgid.Compute(e.Opt.Alg, m.Header)
		s.ids[i] = id
		e.warnRepairs(id.Repairs)
		if id.Missing {
			if e.Opt.Alg == msgid.MsgID {
				// D1: warned once, then ignored (list mode still shows it).
				r.Outf("%s\n", msgid.EmptyWarning(m.Header))
				if style == styleList {
					r.Outf("%s%s\n", e.optID(id.Value), fromPart(m.InternalDate, m.Header))
				}
				continue
			}
			switch style {
			case styleSummary:
				r.Out(lead("no msg-id", ""))
			default:
				r.Outf("%s%s\n", lead("no msg-id", ""), fromPart(m.InternalDate, m.Header))
			}
			continue
		}
		if _, seen := s.first[id.Value]; seen {
			s.dups = append(s.dups, i)
			switch style {
			case styleLong:
				r.Outf("%s%s%s\n", lead("duplicate", ""), fromPart(m.InternalDate, m.Header), e.optID(id.Value))
			case styleList:
				r.Outf("%s%s%s\n", lead("duplicate", ""), e.optID(id.Value), fromPart(m.InternalDate, m.Header))
			}
			continue
		}
		s.first[id.Value] = i
		if style == styleList {
			r.Outf("%s%s\n", e.optID(id.Value), fromPart(m.InternalDate, m.Header))
		}
	}
	return s
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
