// Package flagstate keeps the flags a channel with "flags sync" recorded
// for its messages after its last sync (doc/design/flags.md, "The flag
// state file"): the Records the sync engine reads and returns, and the
// file beside the msinfo that holds them.
//
// A channel's records belong to the msinfo state they were written with:
// the file holds, per channel, the SHA-256 of that state's body, and
// reading them against another state (written since by a run with flags
// off, or by 5.2.7) yields none. So a record is only ever used for
// messages both sides kept, unchanged, since the run that recorded it.
package flagstate

import "github.com/mailsync/mailsync/internal/store"

// Records are the flags recorded for a channel's boxes: for each box,
// one byte per id of the box's msinfo list, in that list's order (the
// msinfo's byte order): Record(flags), or 0 for an id without a record.
// A box without an entry has no records.
type Records map[string][]byte

// Recorded marks a record byte that holds a record.
const Recorded byte = 0x80

// Record is the record byte of flags (their SyncedFlags).
func Record(f store.Flags) byte { return Recorded | byte(f&store.SyncedFlags) }

// Flags returns the flags a record byte holds, and whether it holds one.
func Flags(b byte) (store.Flags, bool) {
	return store.Flags(b) & store.SyncedFlags, b&Recorded != 0
}

// KeywordRecords are the keywords recorded for a channel's boxes beside
// their Records (doc/design/flags.md, "Keywords"): for each box, one
// string per id of the box's msinfo list, KeywordRecord(k), or "" for an
// id without one. A box without an entry has none: its keywords were not
// synchronised (one of its mailboxes keeps none).
type KeywordRecords map[string][]string

// KeywordRecord is the record of keywords k.
func KeywordRecord(k store.Keywords) string { return "+" + string(k) }

// RecordedKeywords returns the keywords a record holds, and whether it
// holds one.
func RecordedKeywords(r string) (store.Keywords, bool) {
	if r == "" || r[0] != '+' {
		return "", false
	}
	return store.Keywords(r[1:]), true
}
