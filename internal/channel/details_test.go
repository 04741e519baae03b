package channel

import (
	"context"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/store"
)

// shiftedBox streams the messages of streamBox from the one numbered
// skip: the box as another program left it after deleting the first ones.
type shiftedBox struct {
	store.Mailbox
	n, skip int
}

func (b shiftedBox) EachMessage(ctx context.Context, fn func(store.Message) error) error {
	for i := b.skip; i < b.n; i++ {
		if err := fn(store.Message{Key: uint64(i + 1), Size: 1000, InternalDate: jan1, Header: testHeader(i)}); err != nil {
			return err
		}
	}
	return nil
}

// scannedSide reads a streamed box of n messages as the sync's first
// side; the last state has the ids of the first known ones.
func scannedSide(t *testing.T, e *Engine, n, known int) *openSide {
	t.Helper()
	s, _, err := e.scanBox(context.Background(), streamBox{n: n}, e.style(), idtable.New(testIDs(known)), idtable.SideA, true)
	if err != nil {
		t.Fatal(err)
	}
	side := &Side{Cfg: &config.Store{Name: "a"}, Boxes: &Boxes{Delim: '/', byName: map[string]*Box{}}}
	return &openSide{sideBox: side.box("inbox"), scan: s}
}

// TestScanKeepsNewDetails: a streamed box keeps the details of the
// messages whose ids the last state lacks (the copies come from them)
// while it is scanned; those are not read again.
func TestScanKeepsNewDetails(t *testing.T) {
	e := quietEngine(Options{Long: true})
	o := scannedSide(t, e, 10, 6)
	if o.scan.det.Len() != 4 || !o.scan.det.Has(6) || o.scan.det.Has(5) || o.scan.det.Rec(9).Key != 10 {
		t.Fatalf("details kept by the scan: %+v", o.scan.det)
	}
	calls := 0
	o.mb = streamBox{n: 10, calls: &calls}
	if err := e.loadDetails(context.Background(), o, []int32{6, 9}); err != nil || calls != 0 {
		t.Errorf("details at hand read again: %d messages read, %v", calls, err)
	}
	if got := summary(&o.scan.det, 7); !strings.Contains(got, "Re: Lunch on Friday? #7") {
		t.Errorf("from part of message 8: %q", got)
	}
}

// TestLoadDetailsReadsWhatIsNeeded: the second pass over a streamed box
// keeps the details of the messages needed only, with their header lines
// when they may be printed (-m), and stops reading after the last one.
func TestLoadDetailsReadsWhatIsNeeded(t *testing.T) {
	e := quietEngine(Options{Long: true})
	o := scannedSide(t, e, 10, 10)
	calls := 0
	o.mb = streamBox{n: 10, calls: &calls}
	if err := e.loadDetails(context.Background(), o, []int32{1, 3}); err != nil {
		t.Fatal(err)
	}
	if calls > 5 {
		t.Errorf("the pass read %d messages to reach the 4th", calls)
	}
	if o.scan.det.Len() != 2 || o.scan.det.Rec(1).Key != 2 || o.scan.det.Rec(3).Key != 4 {
		t.Fatalf("details %+v", o.scan.det)
	}
	if got := summary(&o.scan.det, 3); !strings.Contains(got, "Re: Lunch on Friday? #3") {
		t.Errorf("from part of message 4: %q", got)
	}
}

// TestLoadDetailsChangedBox: a box that another program changed between
// the scan and the second pass is an error, never the details of other
// messages (which the sync would copy or delete in their place).
func TestLoadDetailsChangedBox(t *testing.T) {
	e := quietEngine(Options{})
	for _, c := range []struct {
		name string
		mb   store.Mailbox
		want string
	}{
		{"first messages deleted", shiftedBox{n: 10, skip: 2}, "message 4 is not the one read before"},
		{"last messages deleted", streamBox{n: 5}, "it holds 5 messages, fewer than the 10"},
	} {
		o := scannedSide(t, e, 10, 10)
		o.mb = c.mb
		err := e.loadDetails(context.Background(), o, []int32{3, 8})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "changed by another program") {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
		if o.scan.det.Len() != 0 {
			t.Errorf("%s: %d details kept", c.name, o.scan.det.Len())
		}
	}
}
