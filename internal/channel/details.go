package channel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// msgRec is what copying or deleting a message needs besides its id, in
// 32 bytes: its internal date is its seconds and nanoseconds, and its
// zone as a number (zoneSet).
type msgRec struct {
	key   uint64
	size  int64
	sec   int64
	nsec  int32
	zone  uint16
	flags store.Flags
}

// details holds the msgRec of some messages of a box and the from-part
// header lines of those whose lines may be printed (printedLater). While
// they are those of the first messages of the box without a gap, at is
// nil: recs[i] is message i's.
type details struct {
	at    []int32 // message index of each rec, increasing; nil: dense
	recs  []msgRec
	heads fromHeads
	zones zoneSet
}

// add keeps the details of message i (added in increasing order).
func (d *details) add(e *Engine, i int32, m store.Message) {
	if d.at == nil && int(i) != len(d.recs) {
		d.at = make([]int32, len(d.recs), len(d.recs)+(cap(d.recs)-len(d.recs)))
		for k := range d.at {
			d.at[k] = int32(k)
		}
	}
	if d.at != nil {
		d.at = append(d.at, i)
	}
	d.recs = append(d.recs, msgRec{key: m.Key, size: m.Size, flags: m.Flags,
		sec: m.InternalDate.Unix(), nsec: int32(m.InternalDate.Nanosecond()), zone: d.zones.number(i, m.InternalDate)})
	if e.printedLater(m) {
		d.heads.add(int(i), m.Header)
	}
}

// rec returns the details of message i, which d holds.
func (d *details) rec(i int32) *msgRec {
	if d.at == nil {
		return &d.recs[i]
	}
	k, _ := slices.BinarySearch(d.at, i)
	return &d.recs[k]
}

// has reports whether d holds the details of message i.
func (d *details) has(i int32) bool {
	if d.at == nil {
		return int(i) < len(d.recs)
	}
	_, ok := slices.BinarySearch(d.at, i)
	return ok
}

// date returns the internal date of message i.
func (d *details) date(i int32) time.Time { return d.zones.date(i, d.rec(i)) }

// fromPart is the date/sender/subject part of message i's lines.
func (d *details) fromPart(i int32) string {
	return fromPart(d.date(i), d.heads.get(int(i)))
}

// zoneSet numbers the time zones of a box's internal dates: 0 is UTC, 1
// the local zone, the others fixed zones (by name and offset, as Zone
// gives them) from 2 as they are met. A date made again from its seconds
// and zone is the same instant with the same wall clock and zone name and
// offset: the same in every format and calendar field. The dates of the
// (unlikely) zones beyond the numbers a msgRec holds are kept whole, by
// message index.
type zoneSet struct {
	locs  []*time.Location // zone number - 2 → its location
	index map[zoneName]uint16
	whole map[int32]time.Time
}

type zoneName struct {
	name   string
	offset int
}

const zoneWhole = 1<<16 - 1 // the zone number of a date kept whole

// number returns the zone number of message i's date t.
func (z *zoneSet) number(i int32, t time.Time) uint16 {
	switch t.Location() {
	case time.UTC:
		return 0
	case time.Local:
		return 1
	}
	name, offset := t.Zone()
	k := zoneName{name, offset}
	if n, ok := z.index[k]; ok {
		return n
	}
	if len(z.locs)+2 >= zoneWhole {
		if z.whole == nil {
			z.whole = map[int32]time.Time{}
		}
		z.whole[i] = t
		return zoneWhole
	}
	if z.index == nil {
		z.index = map[zoneName]uint16{}
	}
	n := uint16(len(z.locs) + 2)
	z.locs = append(z.locs, time.FixedZone(name, offset))
	z.index[k] = n
	return n
}

// date returns the date of message i, whose details are r.
func (z *zoneSet) date(i int32, r *msgRec) time.Time {
	t := time.Unix(r.sec, int64(r.nsec))
	switch r.zone {
	case 0:
		return t.UTC()
	case 1:
		return t.In(time.Local)
	case zoneWhole:
		return z.whole[i]
	}
	return t.In(z.locs[r.zone-2])
}

// errEnough stops a pass over a box once every message needed was met.
var errEnough = errors.New("every message needed was read")

// loadDetails makes sure the details of the messages need (indexes, in
// increasing order, no repeats) are at hand. A box read through its
// listing has them all; a streamed box has those of the messages whose id
// the last state lacks (the scan keeps them: only they can be copied).
// For the others (deletions) it reads the box again from its start, as
// far as the last one needed, and keeps the details of need. Each message
// read is checked to carry the id the scan computed: a box changed
// meanwhile by another program is an error, not a copy or deletion of
// another message.
func (e *Engine) loadDetails(ctx context.Context, o *openSide, need []int32) error {
	s := o.scan
	if !s.streamed || !slices.ContainsFunc(need, func(i int32) bool { return !s.det.has(i) }) {
		return nil
	}
	d := details{recs: make([]msgRec, 0, len(need))}
	i, k := int32(0), 0
	err := o.mb.(store.Streamer).EachMessage(ctx, func(m store.Message) error {
		if k == len(need) {
			return errEnough
		}
		if i == need[k] {
			if i >= int32(len(s.nums)) || s.nums[i] == idtable.NoID || msgid.Compute(e.Opt.Alg, m.Header).Value != s.t.Str(s.nums[i]) {
				return fmt.Errorf("message %d is not the one read before: the mailbox was changed by another program", i+1)
			}
			d.add(e, i, m)
			k++
		}
		i++
		return nil
	})
	if errors.Is(err, errEnough) || err == nil && k == len(need) {
		s.det = d
		return nil
	}
	if err == nil {
		err = fmt.Errorf("it holds %d messages, fewer than the %d read before: the mailbox was changed by another program", i, len(s.nums))
	}
	return fmt.Errorf("read %s again: %w", o.full(), err)
}

// needed returns the indexes, in increasing order without repeats, of
// the messages whose details the sync of a side needs: the copies' sources
// and the deletions' victims.
func needed(copies, victims []int32) []int32 {
	need := append(slices.Clone(copies), victims...)
	slices.Sort(need)
	return slices.Compact(need)
}

// firstOf returns, for each id of ids, the index of the first message of
// the side that has it (ids the side has).
func (s *scanned) firstOf(ids []int32) []int32 {
	if len(ids) == 0 {
		return nil
	}
	first := make([]int32, s.t.Len()) // index + 1 of the first occurrence
	for i, n := range s.nums {
		if n != idtable.NoID && first[n] == 0 {
			first[n] = int32(i + 1)
		}
	}
	out := make([]int32, len(ids))
	for k, n := range ids {
		out[k] = first[n] - 1
	}
	return out
}

// deferredOut records what a scan prints, stdout and stderr in their
// order, to print it once the scan has succeeded: a box that fails half
// way prints nothing of its scan, as when its listing fails.
type deferredOut struct {
	lines []deferredLine
}

type deferredLine struct {
	stderr bool
	note   bool // a -v note (Reporter.note)
	text   string
}

func (d *deferredOut) note(text string) {
	d.lines = append(d.lines, deferredLine{stderr: true, note: true, text: text})
}

func (d *deferredOut) Out(s string) { d.lines = append(d.lines, deferredLine{text: s}) }

func (d *deferredOut) Errf(format string, args ...any) {
	d.lines = append(d.lines, deferredLine{stderr: true, text: fmt.Sprintf(format, args...)})
}

// replay prints what was recorded.
func (d *deferredOut) replay(r *Reporter) {
	for _, l := range d.lines {
		if l.note {
			r.note(l.text)
		} else if l.stderr {
			r.Errf("%s", l.text)
		} else {
			r.Out(l.text)
		}
	}
	d.lines = nil
}
