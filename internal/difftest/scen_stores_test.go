package difftest

const mhConfig = `store m {
	pat \#mh/%
	prefix \#mh/
}
store b {
	pat mail/b/%
	prefix mail/b/
}
channel mh m b {
	msinfo .msinfo
}
`

const nestedConfig = `store a {
	pat mail/a/*
	prefix mail/a/
}
store b {
	pat mail/b/*
	prefix mail/b/
}
channel ch a b {
	msinfo .msinfo
}
`

const refConfig = `store a {
	ref mail/
	pat a/%
	prefix mail/a/
}
store b {
	ref mail/
	pat b/%
	prefix mail/b/
}
store c {
	ref mail/
	pat a/%
}
channel ch a b {
	msinfo .msinfo
}
`

func init() {
	d5 := []string{"D5"}
	register(
		Scenario{Name: "sync-mh-mbox", Config: mhConfig, Dev: d5,
			Files: files(".mh_profile", "Path: Mail\n",
				"Mail/inbox/1", msg("mh1").text(), "Mail/inbox/2", msg("both").text(),
				"Mail/work/1", msg("w1").text(),
				"mail/b/inbox", mbox(msg("both"), M{Subj: "mb1", ID: "<mb1@x>", Status: "RO", XStat: "F"}),
				"mail/b/other", mbox(msg("o1"))),
			Steps: withAdjust(steps("m", "-m mh", "mh", "-M m"), 1, mhSequences("Mail/inbox/.mh_sequences", "flagged: 3\n"))},
		Scenario{Name: "sync-nested-star", Config: nestedConfig, Dev: d5,
			Files: files("mail/a/top", mbox(msg("t1")), "mail/a/dir/sub", mbox(msg("s1")),
				"mail/a/dir/deeper/deep", mbox(msg("d1")), "mail/a/other", "",
				"mail/b/inbox", mbox(msg("i1")), "mail/b/emptydir/", ""),
			Steps: steps("a", "b", "ch", "ch", "b")},
		Scenario{Name: "sync-prefix-ref", Config: refConfig, Dev: d5,
			Files: files("mail/a/inbox", mbox(msg("a1")), "mail/b/inbox", mbox(msg("b1")), "mail/a/x", ""),
			Steps: steps("a", "c", "-m ch", "ch")},
		Scenario{Name: "diff-counts", Config: twoStores,
			Files: files("mail/a/inbox", mbox(msg("keep"), msg("new-a"), M{Subj: "dup", ID: "<keep@x>"}, msg("new-a2")),
				"mail/b/inbox", mbox(msg("keep")),
				"mail/a/box2", "",
				".msinfo", msinfoFile("ch", "box2\n<x1@x>\ninbox\n<gone@x>\n<keep@x>\nonlymsinfo\n<o@x>")),
			Steps: steps("ch a", "b ch", "-m ch a", "-M a ch", "-n -s ch a")},
		Scenario{Name: "diff-missing-msinfo", Config: twoStores, Dev: []string{"D4"},
			Files: files("mail/a/inbox", mbox(msg("a1"), msg("a2"))),
			Steps: []Step{{Args: args("ch a"), Adjust: readOnlyD4}, {Args: args("-m ch b"), Adjust: readOnlyD4}}},
		Scenario{Name: "msinfo-shared", Dev: d5,
			Config: twoStores + "store c {\n\tpat mail/c/%\n\tprefix mail/c/\n}\nchannel two a c {\n\tmsinfo .msinfo\n}\n",
			Files: files("mail/a/inbox", mbox(msg("w1"), msg("w2")), "mail/b/inbox", mbox(msg("w3")),
				"mail/c/inbox", ""),
			Steps: steps("ch", "two", "ch", "ch a", "two c")},
		Scenario{Name: "msinfo-foreign-message", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(msg("a1")), "mail/b/inbox", mbox(msg("a1")),
				".msinfo", mbox(M{Subj: "hello", ID: "<f@x>", From: "bob@example.org"})+msinfoFile("other", "inbox\n<z@x>")),
			Steps: steps("ch", "ch")},
	)
}
