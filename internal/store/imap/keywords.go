package imap

import (
	"slices"
	"strings"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
)

// Keywords (doc/design/flags.md, "Keywords"). A message's keywords are
// the flags of its FLAGS that are not system flags (no backslash) and
// are atoms (store.ValidKeyword): a listing gives them with the flags,
// the flag cache keeps them, SetFlags adds and removes them in the same
// UID STORE commands as the flags. A folder keeps keywords when its
// SELECT's PERMANENTFLAGS lists \*, which says the server keeps any
// keyword a client makes up (Dovecot and Cyrus list it); a folder whose
// PERMANENTFLAGS lacks it (or that sent none) is left to the flags.

var _ store.KeywordKeeper = (*Mailbox)(nil)

// KeepsKeywords implements store.KeywordKeeper: the folder's
// PERMANENTFLAGS, as its SELECT told, lists \*.
func (m *Mailbox) KeepsKeywords() bool { return m.keywords }

// keepsKeywords reads a SELECT's answer for KeepsKeywords.
func keepsKeywords(data *goimap.SelectData) bool {
	return data != nil && slices.Contains(data.PermanentFlags, goimap.FlagWildcard)
}

// keywordsOf returns the keywords among flags.
func keywordsOf(flags []goimap.Flag) store.Keywords {
	var names []string
	for _, f := range flags {
		if s := string(f); s != "" && s[0] != '\\' {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return store.KeywordsOf(names...)
}

// withKeywords returns flags f (SyncedFlags and \Deleted) and keywords k
// as IMAP flags.
func withKeywords(f store.Flags, k store.Keywords) []goimap.Flag {
	out := toIMAP(f)
	for _, n := range k.Names() {
		out = append(out, goimap.Flag(n))
	}
	return out
}

// flagsText names flags f and keywords k as a STORE command or an error
// names them: "\Seen \Flagged $Junk".
func flagsText(f store.Flags, k store.Keywords) string {
	return strings.TrimSpace(flagNames(f) + " " + string(k))
}
