package difftest

// This file pins 5.2.7's -d lines for stores on a server: the
// "Opening SERVER with options 66" of the half-open listing connection
// (twice in diff mode), the item lines (the listing stream's name, the
// reference's or pattern's server part as written, the listed name),
// the "with options 64" append connection before each copy into the
// server, the " Fetching message id's" stream names (host as
// configured, c-client's flag order, /readonly) and the lasttime box
// lists (each store's own boxes, before any is created).
// doc/design/cli.md, "-d and c-client's names".

// rawStore is an IMAP store with every line given (ref "" for none).
func rawStore(name, server, ref, pat, prefix string) string {
	s := "store " + name + " {\n\tserver " + server + "\n"
	if ref != "" {
		s += "\tref " + ref + "\n"
	}
	s += "\tpat " + pat + "\n"
	if prefix != "" {
		s += "\tprefix " + prefix + "\n"
	}
	return s + "\tpasswd @PW@\n}\n"
}

// plainSrv is the plain server of a scenario with /user= but no /norsh.
const plainSrv = "{127.0.0.1:@PORT@/notls/user=@USER@}"

func init() {
	d5 := []string{"D5", "D15"}
	register(
		// the same folders listed through server names that differ in
		// host, flags and reference.
		Scenario{Name: "imap-debug-list", Dev: []string{"D15"},
			Config: rawStore("r", "@SRV@", "@SRV@", "%", "") +
				rawStore("bare", plainSrv, "{127.0.0.1:@PORT@/notls}", "%", "") +
				rawStore("lh", "{localhost:@PORT@/notls/user=@USER@}", "{localhost:@PORT@/notls/user=@USER@}", "%", "") +
				rawStore("s", "@SSL@", "@SSL@", "%", "") +
				rawStore("sbare", "{127.0.0.1:@TLSPORT@/ssl/novalidate-cert/user=@USER@}", "{127.0.0.1:@TLSPORT@/novalidate-cert/ssl}", "%", "") +
				rawStore("pat", plainSrv, "", "{127.0.0.1:@PORT@/notls}%", "") +
				rawStore("ro", "{127.0.0.1:@PORT@/notls/readonly/user=@USER@}", "{127.0.0.1:@PORT@/imap/notls/user=@USER@}", "%", "") +
				// nothing matches: the INBOX listing that finds the
				// delimiter shows as an item.
				rawStore("none", plainSrv, "{127.0.0.1:@PORT@/notls}", "nothing%", ""),
			Ext:   newIMAP("imap-debug-list", nsSlash, folder("INBOX", im("first", "S")), folder("work", im("w1", ""))),
			Steps: steps("-d r", "-d bare", "-d lh", "-d s", "-d sbare", "-d pat", "-d ro", "-d none")},
		// sync, simulated sync, no-op sync and diff of both stores.
		Scenario{Name: "imap-debug-sync", Dev: d5,
			Config: localStore + rawStore("r", plainSrv, "{127.0.0.1:@PORT@/notls}", "%", "") + imapChannel,
			Files:  syncLocal,
			Ext:    newIMAP("imap-debug-sync", nsSlash, oneCopyFolders...),
			// -s runs after the first sync, with one new local message:
			// it copies, but creates no box (a box -s would create gets
			// its lines shown, which 5.2.7 does not print:
			// doc/design/decisions.md#d18-dry-runs-show-created-boxes).
			Steps: []Step{{Args: args("-d ch")},
				{Args: args("-d -s ch"), Write: files("mail/onlyloc", mbox(msg("ol1"), msg("ol2"))), Adjust: readOnlyD4},
				{Args: args("-d ch")}, {Args: args("-d ch r")}, {Args: args("-d ch l")}}},
		Scenario{Name: "imap-debug-ssl-sync", Dev: d5,
			Config: localStore + rawStore("r", "@SSL@", "{127.0.0.1:@TLSPORT@/ssl/novalidate-cert}", "%", "") + imapChannel,
			Files:  syncLocal,
			Ext:    newIMAP("imap-debug-ssl-sync", nsSlash, oneCopyFolders...),
			Steps:  steps("-d ch", "-d ch")},
		// separator '.', prefix INBOX. (the example).
		Scenario{Name: "imap-debug-dot", Dev: d5,
			Config: localDeep + rawStore("r", plainSrv, "{127.0.0.1:@PORT@/notls}", "INBOX.%", "INBOX.") + imapChannel,
			Files:  files("mail/work", mbox(msg("w2"))),
			Ext:    newIMAP("imap-debug-dot", nsDot, folder("INBOX", im("i1", "")), folder("INBOX.work", im("w1", "S"))),
			Steps:  steps("-d ch", "-d r")},
	)
}
