package channel

import (
	"sort"
	"strings"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/msinfo"
)

// unrecordable reports whether a box name cannot survive the msinfo
// format, which 5.2.7 must keep reading: a line beginning with "<" is
// read back as a message id of the box before, and one beginning with
// "From " is written quoted (">From ") and never read back
// (doc/design/decisions.md#d22-box-names-the-msinfo-cannot-hold).
func unrecordable(name string) bool {
	return strings.HasPrefix(name, "<") || strings.HasPrefix(name, "From ")
}

// dropUnrecordable leaves the boxes whose names the msinfo format cannot
// hold out of the new state, each with one warning: nothing else of the
// state is touched, and nothing is lost (their messages are simply not
// remembered, so a deletion in them is not propagated).
func (e *Engine) dropUnrecordable(next msinfo.State) {
	var names []string
	for name := range next {
		if unrecordable(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		e.emit(event.Unrecordable{Box: name})
		delete(next, name)
	}
}
