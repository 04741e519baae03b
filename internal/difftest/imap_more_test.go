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
		// -s: nothing is written on either side; D4: not even the
		// missing msinfo that 5.2.7 creates.
		Scenario{Name: "imap-simulate", Config: syncConfig, Files: syncLocal, Dev: []string{"D4", "D15"},
			Ext:   newIMAP("imap-simulate", nsSlash, syncFolders...),
			Steps: []Step{{Args: args("-s -m ch"), Adjust: readOnlyD4}, {Args: args("-s ch"), Adjust: readOnlyD4}}},
		// STARTTLS: 5.2.7 speaks only TLS 1.0 and fails; D11: the clone
		// negotiates TLS 1.2+ and checks the certificate unless told not to.
		Scenario{Name: "imap-starttls", Dev: []string{"D11", "D15"},
			Config: imapStore("t", "@TLS@", "%", "") + imapStore("v", "@TLSV@", "%", ""),
			Ext:    newIMAP("imap-starttls", nsSlash, folder("INBOX", im("i1", "")), folder("work")),
			Steps:  []Step{{Args: args("t"), Adjust: adjustStartTLSD11}, {Args: args("v"), Adjust: adjustStartTLSVerifyD11}}},
	)
}
