package store

import (
	"errors"
	"io"
	"time"
)

// Env is what local backends need to know about the user and the machine.
// The CLI fills it from the process environment; tests fill it by hand so
// that output is deterministic.
type Env struct {
	// Home is the directory relative local names are resolved against.
	Home string
	// User is written into mbox From_ lines (From USER@HOST ...).
	User string
	// Host is the canonical host name (From_ lines, pseudo message).
	Host string
	// Now is the run's one clock: the current time written into
	// mailboxes (creation dates, UID validities, Maildir delivery names)
	// and the moment file times are judged against (settled signatures,
	// stale locks). nil is time.Now. doc/design/state.md, "One clock".
	Now func() time.Time
	// LockWait is how long a local backend waits for another program's
	// lock on a mailbox (the mbox dot-lock and record lock, MH's
	// .mh_sequences); 0 is DefaultLockWait. Waits are measured by the
	// runtime's timers, never by Now, so a fixed clock cannot stretch
	// them.
	LockWait time.Duration
	// Remote is the user interface of network backends.
	Remote Remote
	// Notes receives what a backend tells the user beside its results,
	// such as a stale lock taken over (Note; the printer words it);
	// nil discards them. Backends call Tell.
	Notes func(Note)
	// CacheDir is the directory backends keep their header caches in
	// (package hdrcache), one subdirectory per backend; "" keeps none.
	CacheDir string
	// Signatures: the run takes boxes' signatures (Signer, settled
	// boxes), so a store may gather them while it lists (an IMAP server
	// with LIST-STATUS). Off for -d, whose listing must show what a
	// plain LIST answers.
	Signatures bool
}

// Time returns e.Now() or time.Now() when Now is unset.
func (e Env) Time() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// DefaultLockWait is how long a local backend waits for another
// program's lock when Env.LockWait is 0 (nmh tries 60 times a second
// apart; liblockfile's default is of the same order).
const DefaultLockWait = 60 * time.Second

// LockTimeout is e.LockWait, or DefaultLockWait when it is unset.
func (e Env) LockTimeout() time.Duration {
	if e.LockWait > 0 {
		return e.LockWait
	}
	return DefaultLockWait
}

// Remote is what network backends need from the user interface: where
// protocol notes go and how to ask for a user name or password. The zero
// value prints nothing and cannot ask.
type Remote struct {
	// Notes receives what logging in tells the user on stdout, at once
	// (Authorizing, UserPrompt: 5.2.7's "Authorizing against
	// {HOST/imap}" line and " username: " prompt, worded by the
	// printer); nil prints nothing.
	Notes func(Note)
	// Trace receives the protocol dialogue (-di), passwords masked; nil
	// for none.
	Trace io.Writer
	// AskUser reads a user name after the prompt was written to Out; nil
	// when there is nothing to read from.
	AskUser func() (string, error)
	// AskPassword shows prompt and reads a password without echo from the
	// terminal; nil (or ErrNoTerminal) when there is no terminal.
	AskPassword func(prompt string) (string, error)
}

// Tell gives n to r.Notes, if any.
func (r Remote) Tell(n Note) {
	if r.Notes != nil {
		r.Notes(n)
	}
}

// ErrNoTerminal: a password is needed but there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to ask for a password on")
