package event

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

// The events of "flags sync" (doc/design/flags.md, "Output"): none of
// them is emitted by a channel without it, so its output stays 5.2.7's.

// FlagsChanged is the -m line of one message whose flags a sync changes
// (or would change, under -s): in direction Dir ("->": on the second
// store, following a change in the first; "<-": on the first), or in
// diff mode with Dir "  " a message whose flags changed since the last
// sync. From and ID are those of the message changed.
type FlagsChanged struct {
	Dir                         string
	From, ID                    string
	Add, Remove                 store.Flags
	AddKeywords, RemoveKeywords store.Keywords
}

// FlagCounts follows a box's copy counts (Counts) with how many messages
// had their flags changed each way.
type FlagCounts struct {
	A, B   string // the store names
	AB, BA int
}

// FlagChangeFailed: the flags of a box's messages could not be changed on
// one side (its store cannot change them, or it failed to).
type FlagChangeFailed struct {
	Full, Store string
	Err         error
}

func (FlagsChanged) event()     {}
func (FlagCounts) event()       {}
func (FlagChangeFailed) event() {}

// printFlags writes the events of flags sync; it reports false for
// another event.
func (p Printer) printFlags(w Output, ev Event) bool {
	switch ev := ev.(type) {
	case FlagsChanged:
		w.Out(Lead("flags", ev.Dir) + ev.From + p.IDColumn(ev.ID) + " " + FlagChangeText(ev.Add, ev.Remove, ev.AddKeywords, ev.RemoveKeywords) + "\n")
	case FlagCounts:
		s := ""
		if ev.AB > 0 {
			s += FlagCountLine(ev.AB) + " " + ev.A + "->" + ev.B + ".\n"
		}
		if ev.BA > 0 {
			s += FlagCountLine(ev.BA) + " " + ev.B + "->" + ev.A + ".\n"
		}
		w.Out(s)
	case FlagChangeFailed:
		w.Errf("Error: change flags in %s (store %s): %s\n", ev.Full, ev.Store, Text(ev.Err))
	default:
		return false
	}
	return true
}

// FlagCountLine is "1 flag changed" or "N flags changed": N counts
// messages, whatever the number of flags changed on each.
func FlagCountLine(n int) string {
	return strconv.Itoa(n) + " " + Plural(n, "flag", "flags") + " changed"
}

// flagNames are the synchronised flags in the order a change lists them.
var flagNames = []struct {
	f    store.Flags
	name string
}{{store.Seen, `\Seen`}, {store.Answered, `\Answered`}, {store.Flagged, `\Flagged`}, {store.Draft, `\Draft`}}

// FlagChangeText words a change: each flag added with "+", then each
// removed with "-", then each keyword added and removed the same way,
// separated by blanks ("+\Seen -\Flagged +$Junk").
func FlagChangeText(add, remove store.Flags, addK, removeK store.Keywords) string {
	var parts []string
	for _, sign := range []struct {
		set store.Flags
		c   string
	}{{add, "+"}, {remove, "-"}} {
		for _, n := range flagNames {
			if sign.set&n.f != 0 {
				parts = append(parts, sign.c+n.name)
			}
		}
	}
	for _, n := range addK.Names() {
		parts = append(parts, "+"+n)
	}
	for _, n := range removeK.Names() {
		parts = append(parts, "-"+n)
	}
	return strings.Join(parts, " ")
}

// diffFlags is the "N flags changed, " part of a diff counts line.
func diffFlags(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s, ", FlagCountLine(n))
}
