package event

import (
	"errors"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestFlagWording holds the wording of the flags sync lines
// (doc/design/flags.md, "Output").
func TestFlagWording(t *testing.T) {
	cases := []struct {
		p    Printer
		ev   Event
		want string
	}{
		{Printer{}, FlagCounts{A: "local", B: "server", AB: 3}, "3 flags changed local->server.\n"},
		{Printer{}, FlagCounts{A: "local", B: "server", BA: 1}, "1 flag changed server->local.\n"},
		{Printer{}, FlagCounts{A: "a", B: "b", AB: 1, BA: 2}, "1 flag changed a->b.\n2 flags changed b->a.\n"},
		{Printer{Long: true}, FlagsChanged{Dir: "->", From: "S ", ID: "<1@x>", Add: store.Seen | store.Draft, Remove: store.Flagged | store.Answered},
			"  flags      ->  S  +\\Seen +\\Draft -\\Answered -\\Flagged\n"},
		{Printer{Long: true, ShowIDs: true}, FlagsChanged{Dir: "<-", From: "S ", ID: "<1@x>", Remove: store.Seen},
			"  flags      <-  S <1@x>" + "                                                            " + " -\\Seen\n"},
		{Printer{}, DiffCounts{Store: "a", New: 1, Flags: 2, Now: 4}, "1 new, 2 flags changed, 4 currently at store a.\n"},
		{Printer{}, DiffCounts{Store: "a", Flags: 1, Now: 4}, "1 flag changed, 4 currently at store a.\n"},
		{Printer{}, FlagChangeFailed{Full: "/m/inbox", Store: "a", Err: errors.New("boom")}, "Error: change flags in /m/inbox (store a): boom\n"},
	}
	for _, c := range cases {
		var s sink
		c.p.Print(&s, c.ev)
		if got := s.all(); got != c.want {
			t.Errorf("%#v:\ngot  %q\nwant %q", c.ev, got, c.want)
		}
	}
}
