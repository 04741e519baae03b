package difftest

func init() {
	d5 := []string{"D5"}
	register(
		Scenario{Name: "sync-duplicates", Config: twoStores, Dev: []string{"D2", "D5"},
			Files: files("mail/a/inbox", mbox(M{Subj: "dup-first", ID: "<dup@x>"}, M{Subj: "dup-second", ID: "<dup@x>"}, msg("unique")),
				"mail/b/inbox", mbox(msg("other"), M{Subj: "bdup1", ID: "<bd@x>"}, M{Subj: "bdup2", ID: "<bd@x>"})),
			Steps: []Step{
				{Args: args("-m ch"), Adjust: adjustD2},
				{Args: args("ch"), Adjust: unchangedBoxes},
			}},
		Scenario{Name: "sync-idless", Config: twoStores, Dev: []string{"D1", "D5"},
			Files: files("mail/a/inbox", mbox(M{Subj: "no-id-1", ID: "-"}, M{Subj: "empty-id", ID: ""},
				M{Subj: "angle-id", ID: "<>"}, msg("with-id")),
				"mail/b/inbox", mbox(M{Subj: "no-id-b", ID: "-"})),
			Steps: []Step{{Args: args("ch"), Adjust: adjustD1}, {Args: args("-m ch"), Adjust: adjustD1second}}},
		Scenario{Name: "sync-ign-del", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(M{Subj: "deleted", ID: "<del@x>", XStat: "D"}, msg("live")),
				"mail/b/inbox", mbox(M{Subj: "deleted-b", ID: "<delb@x>", Status: "RO", XStat: "D"})),
			Steps: steps("-n ch", "-m -n ch")},
		Scenario{Name: "sync-cd", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(M{Subj: "deleted", ID: "<del@x>", XStat: "D"}, msg("live")),
				"mail/b/inbox", mbox(M{Subj: "deleted-b", ID: "<delb@x>", Status: "RO", XStat: "DF"})),
			Steps: steps("-cd -n -m ch", "ch", "-cdx ch")},
		Scenario{Name: "sync-cd-expunge", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(M{Subj: "deleted", ID: "<del@x>", XStat: "D"}, msg("live")),
				"mail/b/inbox", ""),
			Steps: steps("-cd -m ch", "ch")},
		Scenario{Name: "sync-empty-boxes-big-d", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(msg("keep")), "mail/b/inbox", mbox(msg("keep")),
				"mail/a/empty", "", "mail/b/empty", "",
				".msinfo", msinfoFile("ch", "empty\ninbox\n<keep@x>")),
			Steps: steps("-D ch", "-D -m ch")},
		// a box emptied by this run: 5.2.7 fails to delete it ("in use by
		// another process" – its own stream is still open). The clone deletes
		// it; decision D23 says otherwise (see adjustEmptiedDeleteX1 and
		// doc/design/decisions.md#d23-boxes-emptied-by-the-run).
		Scenario{Name: "sync-emptied-box-big-d", Config: twoStores, Dev: d5,
			Files: files("mail/a/inbox", mbox(msg("keep")), "mail/b/inbox", mbox(msg("keep")),
				"mail/a/gone", mbox(msg("g1")), "mail/b/gone", "",
				".msinfo", msinfoFile("ch", "gone\n<g1@x>\ninbox\n<keep@x>")),
			Steps: []Step{{Args: args("-D ch"), Adjust: adjustEmptiedDeleteX1}}},
		Scenario{Name: "sync-s-big-d", Config: twoStores, Dev: []string{"D4", "D18"},
			Files: files("mail/a/inbox", mbox(msg("keep")), "mail/b/inbox", mbox(msg("keep")),
				"mail/a/empty", "", "mail/b/empty", "", "mail/a/onlya", mbox(msg("oa"))),
			Steps: []Step{{Args: args("-s -D ch"), Adjust: func(b, w *Result) {
				adjustSD(b, w)
				shownD18("Creating onlya in b\n", createdShort("onlya", "a->b", 1))(b, w)
			}}}},
		// 152 bytes in CRLF form: too big for 151, fits 152
		// (doc/design/behaviour.md#copying).
		Scenario{Name: "sync-sizelimit", Dev: d5,
			Config: twoStores + "channel lim a b {\n\tmsinfo .msinfo\n\tsizelimit 151\n}\nchannel lim2 a b {\n\tmsinfo .msinfo\n\tsizelimit 152x\n}\n",
			Files: files("mail/a/inbox", mbox(M{Subj: "big", ID: "<big@x>", Body: "0123456789\n"}, msg("small")),
				"mail/b/inbox", mbox(M{Subj: "big-b", ID: "<bigb@x>", Body: "0123456789\n0123456789\n0123456789\n"})),
			Steps: steps("lim", "-m lim", "lim2")},
		// md5 ids for id-less messages; then back to msgid mode
		// (doc/design/decisions.md#d1-id-less-messages).
		Scenario{Name: "sync-md5", Config: twoStores, Dev: []string{"D1", "D5"},
			Files: files("mail/a/inbox", mbox(M{Subj: "no-id-1", ID: "-"}, M{Subj: "no-id-2", ID: "-"}, msg("with-id"),
				M{Subj: "no-host", ID: "-", From: "alice"}),
				"mail/b/inbox", mbox(M{Subj: "no-id-b", ID: "-"})),
			Steps: []Step{{Args: args("-t md5 ch")}, {Args: args("-t md5 -M ch")}, {Args: args("ch"), Adjust: adjustMd5ToMsgid}}},
	)
}
