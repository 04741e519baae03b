package difftest

// imapStore is an IMAP store listing pat below the server (ref = server,
// as 5.2.7 needs a remote reference or pattern to list at all).
func imapStore(name, server, pat, prefix string) string {
	s := "store " + name + " {\n\tserver " + server + "\n\tref " + server + "\n\tpat " + pat + "\n"
	if prefix != "" {
		s += "\tprefix " + prefix + "\n"
	}
	return s + "\tpasswd @PW@\n}\n"
}

// listFolders: INBOX, a flat folder, an empty one and a nested chain
// whose parents exist only as names.
var listFolders = []imapFolder{
	folder("INBOX", im("first", "S"), im("second", "")),
	folder("work", IM{M: M{Subj: "w1", ID: "<w1@x>", From: "Bob <bob@example.org>"}, Flags: "FR"},
		IM{M: M{Subj: "no-id", ID: "-"}}, IM{M: M{Subj: "w1-dup", ID: "<w1@x>"}}),
	folder("empty"),
	folder("a/b/c", im("deep", "T")),
}

// dotFolders are listFolders on a server with prefix "INBOX.".
var dotFolders = []imapFolder{
	folder("INBOX", im("first", "S")),
	folder("INBOX.work", im("w1", "F")),
	folder("INBOX.empty"),
	folder("INBOX.a.b.c", im("deep", "")),
}

func init() {
	register(
		Scenario{Name: "imap-list-pct", Config: imapStore("r", "@SRV@", "%", ""),
			Ext:   newIMAP("imap-list-pct", nsSlash, listFolders...),
			Steps: steps("r", "-n r")},
		Scenario{Name: "imap-list-star", Config: imapStore("r", "@SRV@", "*", "") + imapStore("a", "@SRV@", "a/*", "a/"),
			Ext:   newIMAP("imap-list-star", nsSlash, listFolders...),
			Steps: steps("r", "a")},
		// prefix + ref on a Cyrus-style server: the children of INBOX,
		// INBOX alone, everything.
		Scenario{Name: "imap-list-prefix-ref",
			Config: imapStore("r", "@SRV@", "INBOX.%", "INBOX.") + imapStore("i", "@SRV@", "INBOX", "") +
				imapStore("all", "@SRV@", "*", "") + imapStore("deep", "@SRV@", "INBOX.*", "INBOX."),
			Ext:   newIMAP("imap-list-prefix-ref", nsDot, dotFolders...),
			Steps: steps("r", "i", "all", "deep")},
		Scenario{Name: "imap-list-m", Config: imapStore("r", "@SRV@", "*", ""),
			Ext:   newIMAP("imap-list-m", nsSlash, listFolders...),
			Steps: steps("-m r", "-M r")},
	)
}
