package difftest

// Folder names in modified UTF-7 (doc/design/names.md): 5.2.7 pairs,
// prints and records a server's "priv&AOk-" as it is and names the
// local twin so; a user who switches to the clone after 5.2.7 synced
// such folders continues with nothing created, renamed or emptied.
var utf7Folders = []imapFolder{
	folder("priv&AOk-", im("p1", ""), im("p2", "S")),
	folder("Entw&APw-rfe", im("e1", "")),
	folder("Tom &- Jerry", im("t1", "")),
}

func init() {
	register(
		Scenario{Name: "imap-utf7-names", Config: syncConfig, Dev: []string{"D15"},
			Ext: newIMAP("imap-utf7-names", nsSlash, utf7Folders...),
			Steps: []Step{
				{Args: args("ch"), Orig: true},
				{Args: args("ch")},
				{Args: args("-m ch")},
				{Args: args("ch l")},
			}},
	)
}
