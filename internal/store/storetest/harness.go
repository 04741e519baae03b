package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// Parents says how a store shows the parent folder "dir" that Create
// made for "dir/b".
type Parents int

const (
	// ParentNoSelect: name("dir") listed not selectable (local
	// directories, IMAP \Noselect). The directory a pattern ends in may
	// also be listed, not selectable, with a trailing delimiter: local
	// "mail/" for "mail/%".
	ParentNoSelect Parents = iota
	// ParentMailbox: name("dir") is an ordinary, empty, selectable
	// mailbox (MH folders, IMAP servers that create real parents).
	ParentMailbox
	// ParentNone: the parent is not listed at all.
	ParentNone
)

// Harness describes a backend to Run.
type Harness struct {
	// New returns a fresh, empty store and a function mapping a relative
	// box path ("a", "dir/b", also patterns such as "dir/%") to the
	// store's full mailbox name (local: "mail/a"; IMAP: "INBOX.a" with the
	// server delimiter). Relative paths always use '/'. New registers its
	// own cleanup; Run closes the Store.
	New func(t *testing.T) (st store.Store, name func(rel string) string)
	// Delim is the store's hierarchy delimiter.
	Delim byte
	// Parents says how implied parent folders are listed.
	Parents Parents
	// DropsFlags are the store.CopiedFlags the store does not keep on a
	// message (MH: all but Seen). They are ignored when flags are
	// compared, and checks that need them to persist are left out.
	DropsFlags store.Flags
	// KeepsRecent: a read-write session leaves store.Recent as it was
	// (local files). IMAP servers clear \Recent on SELECT, so without it
	// Recent is ignored when comparing flags across sessions.
	KeepsRecent bool
	// QuotesFrom: a body line starting "From " comes back with '>'
	// prepended (c-client's mbox append quoting, never undone on read).
	QuotesFrom bool
	// AddsFinalNewline: a message not ending in a line end comes back with
	// CRLF appended (mbox cannot represent a missing final newline).
	AddsFinalNewline bool
	// ParentBecomesMailbox: Create of a parent listed not selectable
	// succeeds and makes it a selectable mailbox (IMAP servers such as
	// Dovecot with Maildir++), instead of failing with ErrExists.
	ParentBecomesMailbox bool
	// ClampsFutureDates: an InternalDate in the future is replaced by the
	// time of the append (Dovecot); the check then wants a date no later
	// than the end of the append.
	ClampsFutureDates bool
	// Many is the message count of the "many messages" check; 0 means 500.
	Many int
	// KeepsKeywords: the store's mailboxes keep keywords
	// (store.KeywordKeeper), which the Keywords check then sets and reads
	// back; without it, every message must come without keywords.
	KeepsKeywords bool
	// SignatureTick is how long a change takes to show in a signature
	// (store.Signer): the file system's time step for local files (the
	// harness must make their signatures settled at once).
	SignatureTick time.Duration
}

// Run checks every contract of store.Store and store.Mailbox against the
// backend h describes.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("storetest: Harness.New is nil")
	}
	if h.Many == 0 {
		h.Many = 500
	}
	s := &suite{h: h}
	t.Run("Create", s.testCreate)
	t.Run("List", s.testList)
	t.Run("Open", s.testOpen)
	t.Run("Delete", s.testDelete)
	t.Run("Empty", s.testEmpty)
	t.Run("Wire", s.testWire)
	t.Run("Header", s.testHeader)
	t.Run("InternalDate", s.testInternalDate)
	t.Run("Flags", s.testFlags)
	t.Run("Fetch", s.testFetch)
	t.Run("Expunge", s.testExpunge)
	t.Run("ReadOnly", s.testReadOnly)
	t.Run("ReadWriteOpenChangesNothing", s.testReadWriteOpen)
	t.Run("Reopen", s.testReopen)
	t.Run("Many", s.testMany)
	t.Run("TruncatedBody", s.testTruncatedBody)
	t.Run("Signature", s.testSignature)
	t.Run("SetFlags", s.testSetFlags)
	t.Run("Keywords", s.testKeywords)
}

type suite struct {
	h Harness
}

// env is one subtest's fresh store.
type env struct {
	st   store.Store
	name func(rel string) string
}

func (s *suite) fresh(t *testing.T) env {
	t.Helper()
	st, name := s.h.New(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Store.Close: %v", err)
		}
	})
	return env{st: st, name: name}
}

// parentEntry returns the name under which parent folder rel is listed,
// and whether it is listed at all and as not selectable.
func (s *suite) parentEntry(e env, rel string) (name string, listed, noSelect bool) {
	switch s.h.Parents {
	case ParentNoSelect:
		return e.name(rel), true, true
	case ParentMailbox:
		return e.name(rel), true, false
	}
	return "", false, false
}

// parentsOf returns the proper parent paths of rel ("a/b/c": "a", "a/b").
func parentsOf(rel string) []string {
	var out []string
	for i := range len(rel) {
		if rel[i] == '/' {
			out = append(out, rel[:i])
		}
	}
	return out
}

// cmpFlags is the part of flags that must survive a round trip.
func (s *suite) cmpFlags(f store.Flags, withRecent bool) store.Flags {
	mask := store.CopiedFlags &^ s.h.DropsFlags
	if withRecent {
		mask |= store.Recent
	}
	return f & mask
}

// keeps reports whether the store keeps every flag in f.
func (s *suite) keeps(f store.Flags) bool { return s.h.DropsFlags&f == 0 }

func flagString(f store.Flags) string {
	var parts []string
	for _, n := range []struct {
		f    store.Flags
		name string
	}{{store.Seen, `\Seen`}, {store.Answered, `\Answered`}, {store.Flagged, `\Flagged`},
		{store.Deleted, `\Deleted`}, {store.Draft, `\Draft`}, {store.Recent, `\Recent`}} {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	return "(" + strings.Join(parts, " ") + ")"
}
