package details

import (
	"testing"
	"time"
	"unsafe"

	"github.com/mailsync/mailsync/internal/store"
)

// TestZoneSetDates: a date kept as seconds and a zone number reads back
// as the same instant with the same wall clock, zone name and offset, in
// every zone kind, and so do dates beyond the zone numbers a Rec holds.
func TestZoneSetDates(t *testing.T) {
	dates := []time.Time{
		{},
		time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2023, 7, 1, 12, 30, 5, 0, time.Local),
		time.Date(2023, 1, 2, 23, 59, 59, 0, time.FixedZone("EST", -5*3600)),
		time.Date(2023, 1, 2, 0, 0, 1, 123456789, time.FixedZone("", 5*3600+30*60)),
		time.Date(2023, 1, 2, 0, 0, 1, 0, time.FixedZone("EST", -5*3600)), // the same zone, another pointer
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.FixedZone("XYZ", 3600)),
	}
	const layout = "Mon Jan _2 15:04:05.999999999 2006 -0700 MST"
	check := func(d *Set, i int32, want time.Time) {
		t.Helper()
		got := d.Date(i)
		if !got.Equal(want) || got.Format(layout) != want.Format(layout) || got.Location() != want.Location() && (want.Location() == time.UTC || want.Location() == time.Local) {
			t.Errorf("date %d: got %s (%v), want %s (%v)", i, got.Format(layout), got.Location(), want.Format(layout), want.Location())
		}
		if got.IsZero() != want.IsZero() {
			t.Errorf("date %d: IsZero %v, want %v", i, got.IsZero(), want.IsZero())
		}
	}
	var d Set
	for i, date := range dates {
		d.Add(int32(i), store.Message{Key: uint64(i + 1), InternalDate: date}, false)
	}
	for i, date := range dates {
		check(&d, int32(i), date)
	}
	if len(d.zones.locs) != 3 {
		t.Errorf("%d fixed zones numbered, want 3 (EST twice, +0530, XYZ)", len(d.zones.locs))
	}
	// The numbers exhausted: dates are kept whole.
	d = Set{}
	d.zones.locs = make([]*time.Location, zoneWhole-2)
	for i, date := range dates {
		d.Add(int32(i), store.Message{Key: uint64(i + 1), InternalDate: date}, false)
	}
	for i, date := range dates {
		check(&d, int32(i), date)
	}
}

// TestRecSize: a message's details take 32 bytes (a 50,000-message box
// whose every message is copied keeps 1.6 MB of them).
func TestRecSize(t *testing.T) {
	if n := unsafe.Sizeof(Rec{}); n != 32 {
		t.Errorf("a Rec takes %d bytes, want 32", n)
	}
}
