package difftest

import (
	"os"
	"strings"
)

// exit1 is doc/design/decisions.md#d8-exit-status for a run in which some part
// failed: 5.2.7 exits 0.
func exit1(_, w *Result) { w.Exit = 1 }

// Read-only mailboxes (issue 12 item 3): a box the user can read but not
// write is read, its messages are copied out, and only what must fail
// fails: the copies into it and its deletions.
func init() {
	ro := map[string]os.FileMode{"mail/a/ro": 0o444}
	register(
		Scenario{Name: "readonly-box", Config: twoStores, Dev: []string{"D5", "D8"},
			Files: files("mail/a/inbox", mbox(msg("i1")), "mail/a/ro", mbox(msg("r1"), msg("r2")),
				"mail/b/inbox", "", "mail/b/ro", mbox(msg("b1"))),
			Modes: ro,
			Steps: []Step{{Args: args("-m ch"), Adjust: exit1}, {Args: args("ch"), Adjust: exit1},
				// r2 deleted in b: its deletion in the read-only box fails.
				{Args: args("-m ch"), Write: files("mail/b/ro", mbox(msg("b1"), msg("r1"))), Adjust: adjustReadOnlyDelete}}},
	)
}

// adjustReadOnlyDelete: 5.2.7 cannot flag r2 deleted in the read-only box
// either, but says nothing, exits 0 and records r2 as gone, so its next run
// copies r2 back into b. doc/design/decisions.md#d8-exit-status: the clone says
// the deletion failed, exits 1 and keeps the box's last state (r2 stays
// recorded), so its next run tries the deletion again instead of resurrecting
// the message.
func adjustReadOnlyDelete(_, want *Result) {
	want.Exit = 1
	want.Stderr += "Error: flag messages deleted in store a: mark deleted in ROOT/home/mail/a/ro: mailbox is open read-only\n"
	for _, e := range want.Snap.Msinfo {
		if body, ok := e["ch"]; ok {
			e["ch"] = strings.Replace(body, "ro\n<r1@x>\n", "ro\n<r1@x>\n<r2@x>\n", 1)
		}
	}
}
