package channel

import (
	"strings"
	"testing"
)

// TestNotesWaitForTheLine: a -v note given while stdout's line is
// unfinished ("inbox: ") comes after that line ends, also when the box's
// output was recorded and is replayed; a note given at a line start is
// written at once; Flush writes what still waits.
func TestNotesWaitForTheLine(t *testing.T) {
	var both strings.Builder // stdout and stderr on one terminal or pipe
	r := NewReporter(&both, &both)
	r.Verbose = true
	r.Out("Synchronizing...\n")
	r.Notef("at a line start")
	r.Out("inbox: ")
	r.Notef("inbox: 2 messages")
	r.Out("\n")
	r.Out("2 remain.\n")

	rec := r.recorder()
	rec.Out("work: ")
	rec.Notef("work: 1 message")
	rec.Out("\n1 remains.\n")
	rec.rec.replay(r)

	r.Out("last: ")
	r.Notef("held until Flush")
	r.Flush()
	want := "Synchronizing...\n[at a line start]\ninbox: \n[inbox: 2 messages]\n2 remain.\n" +
		"work: \n[work: 1 message]\n1 remains.\nlast: [held until Flush]\n"
	if got := both.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
