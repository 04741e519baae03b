// Package details keeps what a box's sync needs of the messages it acts
// on besides their ids: key, size, flags and internal date, packed in 32
// bytes a message, and the header lines of their summary (From and
// Subject) for those whose lines may be printed, packed in shared blocks.
// It is the engine's second store of per-message data beside the id
// table (package idtable; doc/design/engine.md, "The id table").
package details

import (
	"slices"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// Rec is what copying or deleting a message needs besides its id, in 32
// bytes: its internal date is its seconds and nanoseconds, and its zone
// as a number (zoneSet); Set.Date gives it back.
type Rec struct {
	Key   uint64 // the message's key in its mailbox
	Size  int64
	sec   int64
	nsec  int32
	zone  uint16
	Flags store.Flags
}

// Set holds the Rec of some messages of a box, by message index, and the
// summary header lines of those added with keepHeader. While they are
// those of the first messages of the box without a gap, at is nil:
// recs[i] is message i's. The zero Set is empty.
type Set struct {
	at    []int32 // message index of each rec, increasing; nil: dense
	recs  []Rec
	heads fromHeads
	zones zoneSet
}

// New returns an empty Set with room for n records.
func New(n int) Set { return Set{recs: make([]Rec, 0, n)} }

// Add keeps the details of message i (added in increasing order of i),
// and with keepHeader the From and Subject lines of its header.
func (d *Set) Add(i int32, m store.Message, keepHeader bool) {
	if d.at == nil && int(i) != len(d.recs) {
		d.at = make([]int32, len(d.recs), len(d.recs)+(cap(d.recs)-len(d.recs)))
		for k := range d.at {
			d.at[k] = int32(k)
		}
	}
	if d.at != nil {
		d.at = append(d.at, i)
	}
	d.recs = append(d.recs, Rec{Key: m.Key, Size: m.Size, Flags: m.Flags,
		sec: m.InternalDate.Unix(), nsec: int32(m.InternalDate.Nanosecond()), zone: d.zones.number(i, m.InternalDate)})
	if keepHeader {
		d.heads.add(int(i), m.Header)
	}
}

// Rec returns the details of message i, which d holds.
func (d *Set) Rec(i int32) *Rec {
	if d.at == nil {
		return &d.recs[i]
	}
	k, _ := slices.BinarySearch(d.at, i)
	return &d.recs[k]
}

// Has reports whether d holds the details of message i.
func (d *Set) Has(i int32) bool {
	if d.at == nil {
		return int(i) < len(d.recs)
	}
	_, ok := slices.BinarySearch(d.at, i)
	return ok
}

// Date returns the internal date of message i.
func (d *Set) Date(i int32) time.Time { return d.zones.date(i, d.Rec(i)) }

// Header returns the From and Subject lines kept of message i's header
// (nil when none were).
func (d *Set) Header(i int32) []byte { return d.heads.get(int(i)) }

// Len is the number of messages whose details d holds; Headers the
// number whose header lines it holds.
func (d *Set) Len() int     { return len(d.recs) }
func (d *Set) Headers() int { return len(d.heads.refs) }

// Dense reports whether d holds the details of the first Len messages
// of the box, without a gap.
func (d *Set) Dense() bool { return d.at == nil }

// zoneSet numbers the time zones of a box's internal dates: 0 is UTC, 1
// the local zone, the others fixed zones (by name and offset, as Zone
// gives them) from 2 as they are met. A date made again from its seconds
// and zone is the same instant with the same wall clock and zone name and
// offset: the same in every format and calendar field. The dates of the
// (unlikely) zones beyond the numbers a Rec holds are kept whole, by
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
func (z *zoneSet) date(i int32, r *Rec) time.Time {
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
