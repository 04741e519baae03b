package store

import "time"

// Note is something a store or the msinfo tells the user that is neither
// a result nor a failure: a stale lock taken over, a foreign message in
// the msinfo box. A Note is data only; the one printer (package
// channel/event, event.Note) words it as 5.2.7 and the project's own
// "Info:" and "Warning:" lines. Env.Notes receives them.
// doc/design/engine.md, "Events and the printer".
type Note interface{ note() }

// StaleLockTaken: a lock whose owner is gone was taken over.
type StaleLockTaken struct {
	// Lock is the lock file.
	Lock string
	// PID is the pid the lock named, as written ("" for an empty lock).
	PID string
	// MaxAge: a mailbox dot-lock older than this is stale whatever its
	// pid; 0 for the msinfo lock, which only a dead owner makes stale.
	MaxAge time.Duration
	// Msinfo is the msinfo the lock guards, as the configuration names
	// it; "" for a mailbox's dot-lock.
	Msinfo string
}

// UnfinishedCut: the message a killed mailsync left half-appended at the
// end of an mbox file was cut off.
type UnfinishedCut struct {
	Path  string // the mbox file
	Bytes int64  // how many bytes were removed
}

// FlagsFinished: flag changes a killed mailsync left half-written in an
// mbox file (its dotlock's journal said which) were finished.
type FlagsFinished struct {
	Path     string // the mbox file
	Messages int    // how many messages' status lines were finished
}

// DeadRewriteRemoved: the new file of a rewrite of an mbox (expunge,
// flag changes) that a killed process left beside it was removed.
type DeadRewriteRemoved struct {
	File string // the removed file
	Path string // the mbox file
	PID  int    // the killed process
}

// ForeignEntry: the msinfo box holds a message that is not a channel's
// entry written by mailsync; it is ignored.
type ForeignEntry struct {
	// Msinfo is the msinfo as the configuration names it.
	Msinfo string
	// Incomplete: the message lacks a From or a Subject.
	Incomplete bool
	// From is the local part of its From (when not Incomplete).
	From string
}

// MissingMD5: in md5 mode, an msinfo id line without the md5 marker; it
// is left out of the state.
type MissingMD5 struct{ Line string }

// Authorizing: a login attempt begins on the server whose canonical
// host name is Host (one per attempt, as c-client's login callback).
type Authorizing struct{ Host string }

// UserPrompt: the user name is about to be read (Remote.AskUser); the
// prompt goes before it on the same line.
type UserPrompt struct{}

func (Authorizing) note()        {}
func (UserPrompt) note()         {}
func (StaleLockTaken) note()     {}
func (UnfinishedCut) note()      {}
func (FlagsFinished) note()      {}
func (DeadRewriteRemoved) note() {}
func (ForeignEntry) note()       {}
func (MissingMD5) note()         {}
func (LeftOut) note()            {}

// Tell gives n to e.Notes, if any.
func (e Env) Tell(n Note) {
	if e.Notes != nil {
		e.Notes(n)
	}
}
