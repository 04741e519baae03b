package difftest

func init() {
	register(
		// a channel between two stores of one server account.
		Scenario{Name: "imap-imap", Dev: []string{"D15"},
			Config: imapStore("one", "@SRV@", "one/%", "one/") + imapStore("two", "@SRV@", "two/%", "two/") +
				"channel ch one two {\n\tmsinfo .msinfo\n}\n",
			Ext: newIMAP("imap-imap", nsSlash, folder("one/box", im("both", "S"), im("a1", "F")),
				folder("two/box", im("both", ""), im("b1", "R")), folder("one/only1", im("o1", ""))),
			Steps: steps("-m ch", "ch")},
		// -s: nothing is written on either side;
		// doc/design/decisions.md#d4-dry-runs: not even the missing msinfo that
		// 5.2.7 creates.
		// doc/design/decisions.md#d18-dry-runs-show-created-boxes: boxes to
		// create are shown as the real run synchronises them.
		Scenario{Name: "imap-simulate", Config: syncConfig, Files: syncLocal, Dev: []string{"D4", "D15", "D18"},
			Ext: newIMAP("imap-simulate", nsSlash, syncFolders...),
			Steps: []Step{{Args: args("-s -m ch"), Adjust: func(b, w *Result) {
				readOnlyD4(b, w)
				shownD18("Creating onlyloc in r\n", createdLong("onlyloc", "->", "l->r", "ol1"),
					"Creating onlysrv in l\n", createdLong("onlysrv", "<-", "r->l", "os1", "os2"))(b, w)
			}}, {Args: args("-s ch"), Adjust: func(b, w *Result) {
				readOnlyD4(b, w)
				shownD18("Creating onlyloc in r\n", createdShort("onlyloc", "l->r", 1), "Creating onlysrv in l\n", createdShort("onlysrv", "r->l", 2))(b, w)
			}}}},
		// STARTTLS: 5.2.7 speaks only TLS 1.0 and fails;
		// doc/design/decisions.md#d11-tls: the clone negotiates TLS 1.2+ and
		// checks the certificate unless told not to.
		Scenario{Name: "imap-starttls", Dev: []string{"D11", "D15"},
			Config: imapStore("t", "@TLS@", "%", "") + imapStore("v", "@TLSV@", "%", ""),
			Ext:    newIMAP("imap-starttls", nsSlash, folder("INBOX", im("i1", "")), folder("work")),
			Steps:  []Step{{Args: args("t"), Adjust: adjustStartTLSD11}, {Args: args("v"), Adjust: adjustStartTLSVerifyD11}}},
	)
}
