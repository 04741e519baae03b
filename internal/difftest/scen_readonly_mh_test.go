package difftest

import (
	"os"
	"strings"
)

// A read-only MH folder (issue 12 item 3): a folder directory and message
// files the user may read but not write are read and copied out; only
// the copies into it and its deletions fail, as for a read-only mbox
// file (scen_readonly_test.go).
func init() {
	ro := map[string]os.FileMode{"Mail/ro": 0o555, "Mail/ro/1": 0o444, "Mail/ro/2": 0o444}
	register(
		Scenario{Name: "readonly-mh", Config: mhConfig, Dev: []string{"D5", "D8"},
			Files: files(".mh_profile", "Path: Mail\n",
				"Mail/ro/1", msg("r1").text(), "Mail/ro/2", msg("r2").text(),
				"mail/b/ro", mbox(msg("b1"))),
			Modes: ro,
			Steps: []Step{{Args: args("-m mh"), Adjust: adjustMHAppend}, {Args: args("mh"), Adjust: adjustMHAppend},
				// r2 deleted in b: its deletion in the read-only folder fails.
				{Args: args("-m mh"), Write: files("mail/b/ro", mbox(msg("b1"), msg("r1"))), Adjust: adjustMHDelete}}},
	)
}

// adjustMHAppend: D8, the failed copy into the folder makes the exit
// status 1. Not reconciled: c-client's MH driver says "append message"
// where its mbox driver says "append mailbox"; the engine prints the
// mbox words for every local format.
func adjustMHAppend(_, want *Result) {
	want.Exit = 1
	want.Stderr = strings.ReplaceAll(want.Stderr, "Can't open append message:", "Can't open append mailbox:")
}

// adjustMHDelete: as adjustReadOnlyDelete, the deletion of r2 fails
// (here when the expunge removes its file), which 5.2.7 does not say;
// the clone keeps r2 recorded, so its next run tries again.
func adjustMHDelete(before, want *Result) {
	adjustMHAppend(before, want)
	want.Stderr += "Error: expunge #mh/ro in store m: expunge MH folder: remove ROOT/home/Mail/ro/2: permission denied\n"
	for _, e := range want.Snap.Msinfo {
		if body, ok := e["mh"]; ok {
			e["mh"] = strings.Replace(body, "ro\n<r1@x>\n", "ro\n<r1@x>\n<r2@x>\n", 1)
		}
	}
}
