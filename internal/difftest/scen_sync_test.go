package difftest

// syncHome: boxes on both sides with flags, a box only in a, one only in b.
var syncHome = files(
	"mail/a/inbox", mbox(M{Subj: "seen", ID: "<s1@x>", Status: "RO"}, M{Subj: "flagged", ID: "<f1@x>", XStat: "F"},
		M{Subj: "answered", ID: "<r1@x>", Status: "R", XStat: "A"}, msg("both")),
	"mail/b/inbox", mbox(msg("both"), M{Subj: "draft", ID: "<d1@x>", Status: "O", XStat: "T"}),
	"mail/a/onlya", mbox(msg("oa")),
	"mail/b/onlyb", mbox(msg("ob"), msg("ob2")),
)

// deletionHome: the msinfo remembers messages that were deleted on either side.
var deletionHome = files(
	"mail/a/inbox", mbox(msg("keep"), msg("gone-in-b"), msg("new-a")),
	"mail/b/inbox", mbox(msg("keep"), msg("gone-in-a"), msg("new-b")),
	"mail/a/box2", mbox(msg("x1"), msg("x2")),
	"mail/b/box2", mbox(msg("x2")),
	".msinfo", msinfoFile("ch", "box2\n<x1@x>\n<x2@x>\ninbox\n<gone-in-a@x>\n<gone-in-b@x>\n<gone-both@x>\n<keep@x>\nvanished\n<v@x>"),
)

func init() {
	d5 := []string{"D5"}
	register(
		Scenario{Name: "sync-first", Config: twoStores, Files: syncHome, Dev: d5,
			Steps: steps("ch")},
		Scenario{Name: "sync-noop-second", Config: twoStores, Files: syncHome, Dev: d5,
			Steps: steps("ch", "ch", "-m ch")},
		Scenario{Name: "sync-long-m", Config: twoStores, Files: syncHome, Dev: d5,
			Steps: steps("-m ch")},
		Scenario{Name: "sync-long-big-m", Config: twoStores, Files: syncHome, Dev: d5,
			Steps: steps("-M ch")},
		Scenario{Name: "sync-deletions", Config: twoStores, Files: deletionHome, Dev: d5,
			Steps: steps("ch", "ch")},
		Scenario{Name: "sync-deletions-long", Config: twoStores, Files: deletionHome, Dev: d5,
			Steps: steps("-M ch")},
		// -n: nothing deleted, deletions forgotten and undone next run.
		Scenario{Name: "sync-n", Config: twoStores, Files: deletionHome,
			Steps: steps("-n ch", "-n -m ch")},
		Scenario{Name: "sync-n-then-normal", Config: twoStores, Files: deletionHome, Dev: d5,
			Steps: steps("-n ch", "ch")},
		// -s: nothing written; boxes that would be created are announced.
		// doc/design/decisions.md#d18-dry-runs-show-created-boxes: and then
		// shown as the real run synchronises them.
		Scenario{Name: "sync-s", Config: twoStores, Files: syncHome, Dev: []string{"D4", "D18"},
			Steps: []Step{{Args: args("-s ch"), Adjust: func(b, w *Result) {
				readOnlyD4(b, w)
				shownD18("Creating onlya in b\n", createdShort("onlya", "a->b", 1), "Creating onlyb in a\n", createdShort("onlyb", "b->a", 2))(b, w)
			}}, {Args: args("-s -m ch"), Adjust: func(b, w *Result) {
				readOnlyD4(b, w)
				shownD18("Creating onlya in b\n", createdLong("onlya", "->", "a->b", "oa"),
					"Creating onlyb in a\n", createdLong("onlyb", "<-", "b->a", "ob2", "ob"))(b, w)
			}}}},
		Scenario{Name: "sync-s-deletions", Config: twoStores, Files: deletionHome,
			Steps: steps("-s -M ch")},
		// a box missing on one side is created and synchronised (names
		// and msinfo path are short enough for 5.2.7 to behave).
		Scenario{Name: "sync-create-missing", Config: twoStores, Dev: d5,
			Files: files("mail/a/new1", mbox(msg("n1"), msg("n2")), "mail/b/new2", mbox(msg("m1")), "mail/b/inbox", ""),
			Steps: steps("-m ch", "ch")},
		Scenario{Name: "sync-missing-msinfo", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(msg("keep"), msg("only-a")), "mail/b/inbox", mbox(msg("keep"), msg("only-b"))),
			Steps: steps("ch", "ch")},
		// the box of the msinfo entry was deleted on one side: 5.2.7 re-creates
		// it empty and deletes the other side's messages.
		// doc/design/decisions.md#d17-vanished-box-brake: the clone skips that
		// box instead.
		Scenario{Name: "sync-box-deleted-one-side", Config: twoStores, Dev: []string{"D5", "D17"},
			Files: files("mail/a/inbox", mbox(msg("i1")), "mail/b/inbox", mbox(msg("i1")),
				"mail/a/box2", mbox(msg("x1")),
				".msinfo", msinfoFile("ch", "box2\n<x1@x>\ninbox\n<i1@x>")),
			Steps: []Step{{Args: args("-m ch"), Adjust: vanishedD17}}},
	)
}
