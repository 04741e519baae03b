package difftest

func init() {
	register(
		// nobody listens on the port: list and sync mode.
		Scenario{Name: "imap-refused", Config: localStore + imapStore("r", "@DEAD@", "%", "") + imapChannel,
			Files: files("mail/INBOX", mbox(msg("l1"))),
			Ext:   newIMAP("imap-refused", nsSlash),
			Steps: steps("r", "ch")},
		// a wrong password: three attempts, then the server's reason;
		// doc/design/decisions.md#d25-one-password-try: the clone tries a
		// configured password once (the login-line check
		// counts its one login), with the same final lines.
		// Dovecot answers each failure after 2 s and more (auth penalty),
		// so this scenario takes about 14 s per run, has servers of its
		// own and runs both sides at once.
		Scenario{Name: "imap-badpass", Dev: []string{"D15", "D25"}, Concurrent: true,
			Config: "store r {\n\tserver @SRV@\n\tref @SRV@\n\tpat %\n\tpasswd wrong\n}\n",
			Ext:    privateIMAP("imap-badpass", folder("INBOX", im("i1", ""))),
			Steps:  steps("r")},
		// /ssl without novalidate-cert: the test CA is not trusted.
		Scenario{Name: "imap-badcert", Dev: []string{"D11", "D15"},
			Config: localStore + imapStore("r", "@CERT@", "%", "") + imapChannel,
			Files:  files("mail/INBOX", mbox(msg("l1"))),
			Ext:    newIMAP("imap-badcert", nsSlash, folder("INBOX", im("i1", ""))),
			Steps:  steps("r", "ch")},
		// a server store without ref: 5.2.7 lists nothing and aborts
		// (doc/design/behaviour.md#hierarchy-delimiter); no crash
		// (doc/design/decisions.md#d10-no-crashes): the clone says how to fix the
		// store and exits 1.
		Scenario{Name: "imap-noref", Dev: []string{"D10", "D15"},
			Config: "store r {\n\tserver @SRV@\n\tpat %\n\tpasswd @PW@\n}\n",
			Ext:    newIMAP("imap-noref", nsSlash, folder("INBOX", im("i1", ""))),
			Steps:  []Step{{Args: args("r"), Adjust: adjustNoRefD10}}},
	)
}
