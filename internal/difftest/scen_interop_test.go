package difftest

import (
	"os"
	"strconv"
	"strings"
)

// interopHome and the files written between the runs: a new message in
// a, one message deleted in b.
var (
	interopHome = files(
		"mail/a/inbox", mbox(msg("i1"), msg("i2"), M{Subj: "i3", ID: "<i3@x>", Status: "RO", XStat: "A"}),
		"mail/b/inbox", mbox(msg("j1")),
		"mail/a/onlya", mbox(msg("oa")),
	)
	interopChange = files(
		"mail/a/inbox", mbox(msg("i1"), msg("i2"), M{Subj: "i3", ID: "<i3@x>", Status: "RO", XStat: "A"}, msg("i4")),
		"mail/b/inbox", mbox(msg("i1"), msg("j1"), M{Subj: "i3", ID: "<i3@x>", Status: "RO", XStat: "A"}),
	)
)

// lockD9 is the lock of doc/design/decisions.md#d9-msinfo-safety (the lock file
// is written to the clone's copy only: 5.2.7's c-client takes MSINFO.lock for
// its own dot-lock and waits five minutes for it) for a lock held by a live
// process: error, exit 1, nothing touched (the banner is assumed to precede the
// lock).
func lockD9(pid int) func(before, want *Result) {
	return func(before, want *Result) {
		want.Snap = before.Snap.clone()
		want.Stdout = "Synchronizing stores \"a\" <-> \"b\"...\n"
		want.Stderr = "Error: msinfo .msinfo is locked by another mailsync (pid " + strconv.Itoa(pid) + ")\n"
		want.Exit = 1
	}
}

// encodedSubject is an RFC 2047 subject (doc/design/decisions.md#d13-encoded-words).
const encodedSubject = "=?iso-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen?="

// adjustD13: the subject field is 29 bytes of raw text (5.2.7) or the
// decoded text padded to 27 characters (the from part's width).
func adjustD13(_, want *Result) {
	replaceOut(want, encodedSubject[:29], "Grüße aus München"+strings.Repeat(" ", 10))
}

func init() {
	d5 := []string{"D5"}
	pid := os.Getpid()
	register(
		// 5.2.7 syncs first, the clone continues from its msinfo and
		// mailboxes, then 5.2.7 continues from the clone's files.
		Scenario{Name: "interop-orig-then-ours", Config: twoStores, Files: interopHome, Dev: d5,
			Steps: []Step{
				{Args: args("ch"), Orig: true},
				{Args: args("-m ch"), Write: interopChange},
				{Args: args("-m ch"), Orig: true},
			}},
		Scenario{Name: "interop-ours-then-orig", Config: twoStores, Files: interopHome, Dev: d5,
			Steps: []Step{
				{Args: args("ch")},
				{Args: args("-m ch"), Write: interopChange, Orig: true},
				{Args: args("-M ch"), Orig: true},
				{Args: args("ch a"), Orig: true},
			}},
		Scenario{Name: "fail-unreadable-box", Config: twoStores, Dev: []string{"D5", "D8"},
			Files: files("mail/a/inbox", mbox(msg("i1")), "mail/a/locked", mbox(msg("l1")),
				"mail/b/inbox", "", "mail/b/locked", ""),
			Modes: map[string]os.FileMode{"mail/a/locked": 0},
			Steps: []Step{{Args: args("ch"), Adjust: func(_, w *Result) { w.Exit = 1 }}}},
		Scenario{Name: "lock-held", Config: twoStores, Files: simpleBoxes, Dev: []string{"D9"},
			Steps: []Step{{Args: args("ch"), OursWrite: files(".msinfo.lock", strconv.Itoa(pid)+"\n"), Adjust: lockD9(pid)}}},
		// a lock whose pid is dead is taken over and removed: the clone
		// ends like 5.2.7 without any lock file.
		Scenario{Name: "lock-stale", Config: twoStores, Files: simpleBoxes, Dev: []string{"D5", "D9"},
			Steps: []Step{{Args: args("ch"), OursWrite: files(".msinfo.lock", "999999\n"), Adjust: adjustStaleLockD9}}},
		Scenario{Name: "encoded-subject", Config: twoStores, Dev: []string{"D5", "D13"},
			Files: files("mail/a/inbox", mbox(M{Subj: encodedSubject, ID: "<enc@x>"}, msg("ascii"))),
			Steps: []Step{{Args: args("-m ch"), Adjust: adjustD13}, {Args: args("-m a"), Adjust: func(b, w *Result) { adjustD13(b, w); readOnlyD4(b, w) }}}},
	)
}
