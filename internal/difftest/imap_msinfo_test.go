package difftest

// msinfoConfig keeps the msinfo in the server folder "msinfo", outside
// the synchronised store (which lists only INBOX).
var msinfoConfig = localStore + imapStore("r", "@SRV@", "INBOX", "") +
	"channel ch l r {\n\tmsinfo @SRV@msinfo\n\tpasswd @PW@\n}\n"

func init() {
	mi := newIMAP("imap-msinfo", nsSlash, delFolders...).withMsinfo("msinfo")
	df := newIMAP("imap-diff", nsSlash, delFolders...)
	register(
		// doc/design/decisions.md#d6-imap-msinfo: an msinfo on the server.
		Scenario{Name: "imap-msinfo", Config: msinfoConfig, Files: delLocal, Msinfo: []string{},
			Dev: []string{"D5", "D6", "D9", "D15"}, Ext: mi,
			Steps: []Step{{Args: args("ch"), Adjust: adjustLockDirD9},
				{Args: args("-m ch"), Write: delLocal2, Prep: mi.deleteMsgs("INBOX", "gone-srv"), Adjust: adjustD6deletions},
				{Args: args("ch"), Adjust: adjustD6after}}},
		// diff mode against the server store and the local one.
		Scenario{Name: "imap-diff", Config: syncConfig, Files: delLocal, Dev: []string{"D4", "D5", "D15"}, Ext: df,
			Steps: []Step{{Args: args("ch")},
				{Args: args("ch r"), Prep: df.deleteMsgs("INBOX", "gone-srv")},
				{Args: args("-m ch r"), Prep: df.appendMsgs("INBOX", im("new-srv", ""), IM{M: M{Subj: "new-dup", ID: "<keep@x>"}})},
				{Args: args("ch l"), Write: delLocal2}}},
	)
}
