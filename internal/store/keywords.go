package store

import (
	"slices"
	"strings"
)

// Keywords are a message's IMAP keywords ($Junk, $Label1, a custom tag):
// the flags that are not system flags (doc/design/flags.md, "Keywords").
// The value is canonical: the names sorted by their lower-case form, no
// name twice without regard to case (IMAP keywords are case-insensitive:
// the first spelling met is kept), one blank between names. "" is no
// keyword. Two sets spelt alike compare with ==; sets are the same
// keywords when each Minus the other is "".
type Keywords string

// The bounds of what is synchronised as keywords: a server or a file
// that holds more (a hostile server may send thousands a message) keeps
// them, but only these are read, compared and changed, so the work per
// message stays bounded.
const (
	// MaxKeywords is how many keywords of a message are kept: the first
	// in the canonical order.
	MaxKeywords = 64
	// MaxKeywordLen is the longest keyword: a longer one is not valid.
	// Dovecot refuses longer ones by default (mail_max_keyword_length:
	// "NO [CANNOT] Keyword length too long"), which would fail the flag
	// changes of their box on every run.
	MaxKeywordLen = 50
)

// ValidKeyword reports whether name can be a keyword: an IMAP atom (no
// blank, control character, DEL, byte above 0x7e, or any of `(){%*"\]`)
// that does not start with a backslash (a system flag), at most
// MaxKeywordLen bytes. A server or file may hold others; they are not
// synchronised.
func ValidKeyword(name string) bool {
	if name == "" || len(name) > MaxKeywordLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}

// KeywordsOf returns the keywords among names (ValidKeyword) as a set,
// the first MaxKeywords of them in its order.
func KeywordsOf(names ...string) Keywords {
	kept := make([]string, 0, len(names))
	for _, n := range names {
		if ValidKeyword(n) {
			kept = append(kept, n)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	slices.SortStableFunc(kept, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	kept = slices.CompactFunc(kept, strings.EqualFold)
	return Keywords(strings.Join(kept[:min(len(kept), MaxKeywords)], " "))
}

// Canonical reports whether k is in the canonical form KeywordsOf gives
// (a cache or state file that holds another was not written by us).
func (k Keywords) Canonical() bool { return KeywordsOf(k.Names()...) == k }

// Names returns the keywords of k.
func (k Keywords) Names() []string {
	if k == "" {
		return nil
	}
	return strings.Split(string(k), " ")
}

// Has reports whether k holds name (without regard to case).
func (k Keywords) Has(name string) bool {
	return slices.ContainsFunc(k.Names(), func(n string) bool { return strings.EqualFold(n, name) })
}

// Union returns the keywords in k or in o (k's spelling first).
func (k Keywords) Union(o Keywords) Keywords {
	if o == "" || k == o {
		return k
	}
	return KeywordsOf(append(k.Names(), o.Names()...)...)
}

// Minus returns the keywords of k that o lacks.
func (k Keywords) Minus(o Keywords) Keywords {
	if o == "" || k == "" {
		return k
	}
	drop := make(map[string]bool, MaxKeywords)
	for _, n := range o.Names() {
		drop[strings.ToLower(n)] = true
	}
	var kept []string
	for _, n := range k.Names() {
		if !drop[strings.ToLower(n)] {
			kept = append(kept, n)
		}
	}
	return KeywordsOf(kept...)
}

// Apply returns k with the keywords add added and those of remove
// removed (a keyword in both is added).
func (k Keywords) Apply(add, remove Keywords) Keywords {
	return k.Minus(remove.Minus(add)).Union(add)
}

// KeywordKeeper is implemented by mailboxes that hold keywords: their
// Messages give each message's Keywords, and their FlagSetter applies a
// FlagChange's keywords. KeepsKeywords false: this mailbox keeps none (an
// IMAP folder whose PERMANENTFLAGS lack \*); its messages' Keywords are
// then "" whatever they hold. The sync engine changes the keywords of a
// box only when both of its mailboxes keep them.
type KeywordKeeper interface {
	KeepsKeywords() bool
}

// KeepsKeywords reports whether mailbox mb keeps keywords
// (KeywordKeeper).
func KeepsKeywords(mb Mailbox) bool {
	k, ok := mb.(KeywordKeeper)
	return ok && k.KeepsKeywords()
}
