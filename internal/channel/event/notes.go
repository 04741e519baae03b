package event

import "github.com/mailsync/mailsync/internal/store"

// Note is what a store or the msinfo told the user beside its results
// (store.Note: a stale lock taken over, an unfinished append cut off, a
// foreign message in the msinfo box, an msinfo line without its md5, a
// message a store left out of a listing, a login's progress). The
// backends give only the data; the words are here, on stderr but for
// the login lines, which 5.2.7 prints on stdout.
type Note struct{ store.Note }

func (Note) event() {}

// printNote writes a Note's line.
func printNote(w Output, n store.Note) {
	switch n := n.(type) {
	case store.Authorizing:
		w.Out("Authorizing against {" + n.Host + "/imap}\n")
	case store.UserPrompt:
		w.Out(" username: ")
	case store.StaleLockTaken:
		if n.Msinfo != "" {
			w.Errf("Info: taking over the stale lock %s of msinfo %s (pid %s is gone)\n", n.Lock, n.Msinfo, n.PID)
		} else {
			w.Errf("Info: taking over the stale lock %s (pid %s is gone or the lock is older than %v)\n", n.Lock, n.PID, n.MaxAge)
		}
	case store.UnfinishedCut:
		w.Errf("Info: removed the unfinished message (%d bytes) a killed mailsync left at the end of %s\n", n.Bytes, n.Path)
	case store.FlagsFinished:
		w.Errf("Info: finished the flag changes of %d messages a killed mailsync left half-written in %s\n", n.Messages, n.Path)
	case store.DeadRewriteRemoved:
		w.Errf("Info: removed %s, the unfinished rewrite of %s by the killed process %d\n", n.File, n.Path, n.PID)
	case store.ForeignEntry:
		if n.Incomplete {
			w.Errf("Info: The msinfo box %s contains a message with missing \"From\" or \"Subject\" header information\n", n.Msinfo)
		} else {
			w.Errf("Info: The msinfo box %s contains the non-mailsyncmail: \"From: %s\"\n", n.Msinfo, n.From)
		}
	case store.MissingMD5:
		w.Errf("Warning: line is missing a md5: %s\n", n.Line)
	case store.LeftOut:
		w.Errf("Warning: message UID %d of mailbox %s on server %s left out: "+
			"its header fields are %d bytes (more than %d is garbage)\n", n.UID, n.Mailbox, n.Server, n.HeaderBytes, n.Limit)
	}
}
