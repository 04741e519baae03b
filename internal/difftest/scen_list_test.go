package difftest

// listHome has several boxes, a not-selectable directory, duplicates and
// a message without Message-ID.
var listHome = files(
	"mail/a/inbox", mbox(M{Subj: "first", ID: "<l1@x>", Status: "RO"}, msg("plain")),
	"mail/a/other", mbox(msg("second"), M{Subj: "second-dup", ID: "<second@x>"},
		M{Subj: "no-id", ID: "-", From: "alice@example.org"}),
	"mail/a/empty", "",
	"mail/a/dir/", "",
	"mail/b/", "",
)

// readOnlyD4 is doc/design/decisions.md#d4-dry-runs for list and diff mode: the
// clone leaves every file exactly as it was (5.2.7 rewrites listed mboxes /
// creates the msinfo).
func readOnlyD4(before, want *Result) {
	want.Snap = before.Snap.clone()
}

func init() {
	register(
		Scenario{Name: "list-plain", Config: twoStores, Files: listHome,
			Steps: steps("a", "b", "-n a")},
		Scenario{Name: "list-m", Config: twoStores, Files: listHome, Dev: []string{"D1", "D4", "D5"},
			Steps: []Step{{Args: args("-m a"), Adjust: readOnlyD4}, {Args: args("-m b"), Adjust: readOnlyD4}}},
		Scenario{Name: "list-big-m", Config: twoStores, Files: listHome, Dev: []string{"D1", "D4", "D5"},
			Steps: []Step{{Args: args("-M a"), Adjust: readOnlyD4}}},
		// a store whose pat names one file and whose prefix is that whole
		// name has exactly one box, the empty name.
		Scenario{Name: "list-empty-name", Dev: []string{"D4", "D5"},
			Config: "store one {\n\tpat mail/a/inbox\n\tprefix mail/a/inbox\n}\nstore dot {\n\tpat %\n}\n",
			Files:  files("mail/a/inbox", mbox(msg("only")), "top", mbox(msg("top"))),
			Steps:  []Step{{Args: args("one")}, {Args: args("-M one"), Adjust: readOnlyD4}, {Args: args("dot")}}},
	)
}
