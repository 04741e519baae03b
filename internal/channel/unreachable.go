package channel

import (
	"errors"
	"slices"
	"strings"

	"github.com/mailsync/mailsync/internal/channel/event"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

// A store that cannot be reached any more (store.ErrStoreUnavailable: a
// server that stopped answering) ends the synchronisation of its boxes:
// one error line names it and says why, the boxes not yet handled are
// skipped and keep their last state, and the run fails (exit 1). See
// doc/design/trust-liveness.md, "A dead store".

// storeGone reports whether err says that side s's store was given up.
// The first time it prints the one error line and records the failure.
func (e *Engine) storeGone(s *Side, err error) bool {
	if !errors.Is(err, store.ErrStoreUnavailable) {
		return false
	}
	if e.gone == nil {
		e.gone = s
		if e.goneAny != nil {
			e.goneAny.Store(true)
		}
		e.fail()
		e.emit(event.StoreGone{Store: s.Name(), Reason: reason(err)})
	}
	return true
}

// goneIn is storeGone for an error of an operation that involved sides
// (a copy: its source and destination): the side whose server the
// error names, else the first. It also reports true for any error of an
// operation on a side already given up: a dead store's operations all
// fail at once (some backends word the error without wrapping the
// sentinel), and one line has said so. The caller then prints nothing
// of its own.
func (e *Engine) goneIn(err error, sides ...*Side) bool {
	if err == nil || len(sides) == 0 {
		return false
	}
	if !errors.Is(err, store.ErrStoreUnavailable) {
		return e.gone != nil && slices.Contains(sides, e.gone)
	}
	s := sides[0]
	text := err.Error()
	for _, x := range sides {
		if x.Cfg.Server != "" && strings.Contains(text, x.Cfg.Server) {
			s = x
			break
		}
	}
	return e.storeGone(s, err)
}

// reason is the innermost error of err's chain before the sentinel: why
// the store was given up, without the context of the operation that
// found out.
func reason(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil || u == store.ErrStoreUnavailable {
			return err
		}
		err = u
	}
}

// keepStates copies the last state of the boxes names into next.
func keepStates(next, last msinfo.State, names []string) {
	for _, name := range names {
		if ids, had := last[name]; had {
			next[name] = ids
		}
	}
}
