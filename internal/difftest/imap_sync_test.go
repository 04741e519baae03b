package difftest

import (
	"fmt"
	"strings"
)

// localStore is the local side of the IMAP channels: mbox files below mail/.
const localStore = "store l {\n\tpat mail/%\n\tprefix mail/\n}\n"

// localDeep is a local store that lists below mail/ recursively.
const localDeep = "store l {\n\tpat mail/*\n\tprefix mail/\n}\n"

// imapChannel is a channel l <-> r with a local msinfo.
const imapChannel = "channel ch l r {\n\tmsinfo .msinfo\n}\n"

// syncConfig is the usual IMAP channel: local store l, server store r (pat %).
var syncConfig = localStore + imapStore("r", "@SRV@", "%", "") + imapChannel

// syncFolders and syncLocal: messages on both sides, some only on one,
// flags on both, a folder only on the server, a box only locally.
var (
	syncFolders = []imapFolder{
		folder("INBOX", im("both", "S"), IM{M: M{Subj: "srv-flagged", ID: "<sf@x>"}, Flags: "FS"},
			IM{M: M{Subj: "srv-answered", ID: "<sa@x>"}, Flags: "R"}, IM{M: M{Subj: "srv-draft", ID: "<sd@x>"}, Flags: "D"}),
		folder("onlysrv", im("os1", ""), im("os2", "S")),
	}
	// oneCopyFolders copy at most one message per box to the local side.
	oneCopyFolders = []imapFolder{
		folder("INBOX", im("both", "S"), IM{M: M{Subj: "srv-flagged", ID: "<sf@x>"}, Flags: "FS"}),
		folder("onlysrv", im("os1", "")),
	}
	syncLocal = files(
		"mail/INBOX", mbox(msg("both"), M{Subj: "loc-seen", ID: "<ls@x>", Status: "RO"},
			M{Subj: "loc-flagged", ID: "<lf@x>", XStat: "F"}, M{Subj: "loc-answered", ID: "<la@x>", Status: "R", XStat: "A"}),
		"mail/onlyloc", mbox(msg("ol1")),
	)
)

// deletion fixtures: three messages on both sides; then one goes on
// each side.
var (
	delFolders = []imapFolder{folder("INBOX", im("keep", "S"), im("gone-srv", ""), im("gone-loc", "F"))}
	delLocal   = files("mail/INBOX", mbox(msg("keep"), msg("gone-srv"), msg("gone-loc")))
	delLocal2  = files("mail/INBOX", mbox(msg("keep"), msg("gone-srv")))
)

// the big messages of imap-sizelimit and their size in CRLF form.
var (
	bigL    = M{Subj: "big-l", ID: "<bigl@x>", Body: strings.Repeat("0123456789\n", 3)}
	bigR    = M{Subj: "big-r", ID: "<bigr@x>", Body: strings.Repeat("0123456789\n", 3)}
	bigSize = len(strings.ReplaceAll(bigL.text(), "\n", "\r\n"))
)

func init() {
	d5 := []string{"D5", "D15"}
	del := newIMAP("imap-sync-deletions", nsSlash, delFolders...)
	register(
		// first sync both ways, several copies per box and direction.
		Scenario{Name: "imap-sync-first", Config: syncConfig, Files: syncLocal, Dev: d5,
			Ext:   newIMAP("imap-sync-first", nsSlash, syncFolders...),
			Steps: steps("-m ch")},
		Scenario{Name: "imap-sync-noop", Config: syncConfig, Files: syncLocal, Dev: d5,
			Ext:   newIMAP("imap-sync-noop", nsSlash, oneCopyFolders...),
			Steps: steps("ch", "ch", "-M ch")},
		Scenario{Name: "imap-sync-ssl", Config: localStore + imapStore("r", "@SSL@", "%", "") + imapChannel,
			Files: syncLocal, Dev: d5,
			Ext:   newIMAP("imap-sync-ssl", nsSlash, oneCopyFolders...),
			Steps: steps("ch", "-m ch")},
		// deleted locally -> deleted on the server and vice versa.
		Scenario{Name: "imap-sync-deletions", Config: syncConfig, Files: delLocal, Dev: d5, Ext: del,
			Steps: []Step{{Args: args("ch")},
				{Args: args("-m ch"), Write: delLocal2, Prep: del.deleteMsgs("INBOX", "gone-srv")},
				{Args: args("ch")}}},
		// nested folders are created on the other side (both ways).
		Scenario{Name: "imap-nested", Config: localDeep + imapStore("r", "@SRV@", "*", "") + imapChannel, Dev: d5,
			Files: files("mail/x/y/z", mbox(msg("xyz")), "mail/INBOX", ""),
			Ext:   newIMAP("imap-nested", nsSlash, folder("a/b/c", im("abc", "S"))),
			Steps: steps("-m ch", "-m ch")},
		// separator '.', everything below INBOX.: pat INBOX.* + prefix INBOX.
		Scenario{Name: "imap-dot-prefix", Config: localDeep + imapStore("r", "@SRV@", "INBOX.*", "INBOX.") + imapChannel, Dev: d5,
			Files: files("mail/work", mbox(msg("w2")), "mail/proj/sub", mbox(msg("p1"))),
			Ext: newIMAP("imap-dot-prefix", nsDot, folder("INBOX", im("i1", "")),
				folder("INBOX.work", im("w1", "S")), folder("INBOX.a.b", im("ab1", ""))),
			Steps: steps("-m ch", "ch")},
		// Courier style (doc/design/behaviour.md#listing): pat * gives INBOX,
		// INBOX/work and the top-level folders; the local INBOX file cannot
		// also be a directory for INBOX/work.
		Scenario{Name: "imap-courier", Config: localDeep + imapStore("r", "@SRV@", "*", "") + imapChannel, Dev: d5,
			Files: files("mail/INBOX", mbox(msg("i2")), "mail/new", mbox(msg("n1"))),
			Ext: newIMAP("imap-courier", nsCourier, folder("INBOX", im("i1", "")),
				folder("INBOX.work", im("w1", "")), folder("lists", im("l1", "S"))),
			Steps: []Step{{Args: args("-m ch"), Adjust: adjustCourierD8}, {Args: args("ch"), Adjust: adjustCourierD8}, {Args: args("r")}}},
		// md5 ids of id-less messages read over IMAP.
		Scenario{Name: "imap-md5", Config: syncConfig, Dev: []string{"D1", "D5", "D15"},
			Files: files("mail/INBOX", mbox(M{Subj: "no-id-l", ID: "-"}, M{Subj: "no-id-2", ID: "-", From: "bob@example.org"},
				msg("with-id"))),
			Ext: newIMAP("imap-md5", nsSlash, folder("INBOX", IM{M: M{Subj: "no-id-1", ID: "-"}, Flags: "S"},
				im("with-id", ""))),
			Steps: steps("-t md5 -M ch", "-t md5 ch")},
		// RFC822.SIZE (server) and the CRLF size (local) against
		// sizelimit: both big messages have exactly bigSize bytes.
		Scenario{Name: "imap-sizelimit", Dev: d5,
			Config: syncConfig + fmt.Sprintf("channel lim l r {\n\tmsinfo .msinfo\n\tsizelimit %d\n}\n"+
				"channel lim2 l r {\n\tmsinfo .msinfo\n\tsizelimit %d\n}\n", bigSize-1, bigSize),
			Files: files("mail/INBOX", mbox(bigL, msg("small-l"))),
			Ext:   newIMAP("imap-sizelimit", nsSlash, folder("INBOX", IM{M: bigR}, im("small-r", ""))),
			Steps: steps("lim", "-m lim", "lim2")},
		// -D: the box emptied on the server by this run and a box empty on
		// both sides are deleted on both sides.
		Scenario{Name: "imap-big-d", Config: syncConfig, Dev: d5,
			Files: files("mail/INBOX", mbox(msg("keep")), "mail/gone", "", "mail/empty", "",
				".msinfo", msinfoFile("ch", "INBOX\n<keep@x>\nempty\ngone\n<g1@x>")),
			Ext: newIMAP("imap-big-d", nsSlash, folder("INBOX", im("keep", "")), folder("gone", im("g1", "")),
				folder("empty")),
			Steps: steps("-D -m ch", "ch")},
	)
}
