package store

import "time"

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
	// Now returns the current time (creation dates, UID validity).
	Now func() time.Time
}

// Time returns e.Now() or time.Now() when Now is unset.
func (e Env) Time() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
