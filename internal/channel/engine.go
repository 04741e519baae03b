package channel

import (
	"sync/atomic"

	"github.com/mailsync/mailsync/internal/channel/event"
	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/settled"
	"github.com/mailsync/mailsync/internal/store"
)

// Options are the command-line switches that shape a run.
type Options struct {
	NoDelete    bool // -n: delete nothing, expunge nothing
	Simulate    bool // -s: change nothing at all (doc/design/decisions.md#d4-dry-runs)
	Long        bool // -m: long output format
	ShowIDs     bool // -M: print ids (implies Long)
	DeleteEmpty bool // -D: delete boxes left empty
	CopyDeleted bool // -cd: copy messages flagged \Deleted
	Alg         msgid.Algorithm
	SizeLimit   uint64 // channel sizelimit, 0 = none
	// LimitDeletes and MaxDelete are --max-delete=N (brake.go): a box
	// whose deletions on one side exceed MaxDelete percent of its
	// messages there is skipped; 100 also lifts the brakes against a
	// broken store, which are on by default (a store that lists no
	// mailbox, one whose remembered boxes are all empty, a box no longer
	// listed: doc/design/brakes.md).
	LimitDeletes bool
	MaxDelete    int
	// FlagSync is the channel's "flags sync": flags changed on one side
	// since the last sync are changed on the other (flags.go,
	// doc/design/flags.md). Off, nothing of it runs.
	FlagSync bool
}

// Side is one store of a run: its configuration, its open Store and its
// listed boxes.
type Side struct {
	Cfg   *config.Store
	Store store.Store
	Boxes *Boxes
}

// Name is the store's configured name.
func (s *Side) Name() string { return s.Cfg.Name }

// Engine runs one mode over its sides.
type Engine struct {
	Opt Options
	R   *Reporter
	// Progress, when set, is told how the copies advance (a live
	// display on a terminal).
	Progress Progress
	// Workers is how many boxes Sync may synchronise at once when both
	// stores allow it (concurrent.go); 0 or 1: one after the other.
	Workers int
	// turn orders the creation of missing boxes when boxes are
	// synchronised at once (concurrent.go).
	turn *createTurn
	// Book, when set, holds the boxes found settled by earlier syncs
	// (settled.go); Sync confirms and records boxes in it.
	Book *settled.Book
	// failed records that some part of the work failed (doc/design/decisions.md#d8-exit-status: exit 1).
	failed bool
	// refused records that the brake stopped the whole sync.
	refused bool
	// watch is what the run knows of the emptiness of the boxes the
	// msinfo remembers messages for (emptied.go); nil when the brakes
	// are lifted. Box engines share it.
	watch *emptiness
	// shared: other boxes are synchronised at the same time, so this
	// engine never opens another box (a box then waits for the all-empty
	// question: boxSync.ask).
	shared bool
	// gone is the side whose store was given up (unreachable.go), nil
	// while none: the boxes after it are skipped.
	gone *Side
	// LastFlags are the flags recorded after the last sync (flags sync
	// only), aligned with the last state's ids; Sync returns the new
	// ones in its Result. Read only.
	LastFlags flagstate.Records
	// LastKeywords are the keywords recorded beside LastFlags, for the
	// boxes whose keywords were synchronised. Read only.
	LastKeywords flagstate.KeywordRecords
	// goneAny is set, for the run and all its box engines, once any of
	// them found a store given up: no further box is started
	// (concurrent.go).
	goneAny *atomic.Bool
	// early are the boxes of the second side read before Sync
	// (early.go); nil when none were.
	early *earlyReads
	// trace, when set, is given every event the engine emits, before it
	// is printed (tests). Engines of boxes synchronised at once
	// (boxEngine) have none.
	trace func(event.Event)
}

// Result is what a run of a mode found out, for the exit status and the
// msinfo: whether any part of the work failed (exit 1,
// doc/design/decisions.md#d8-exit-status) and whether a brake refused the
// whole sync (the msinfo must then be left as it was).
type Result struct {
	Failed, Refused bool
	// Flags are the records of flags sync for the returned state: for
	// each box of it, one byte per id (flagstate.Records); nil without
	// Options.FlagSync.
	Flags flagstate.Records
	// Keywords are the keyword records beside Flags, for the boxes whose
	// keywords were synchronised; nil without Options.FlagSync.
	Keywords flagstate.KeywordRecords
}

// result is the run's Result so far.
func (e *Engine) result() Result { return Result{Failed: e.failed, Refused: e.refused} }

// brakesOff reports whether --max-delete=100 lifts the brakes.
func (e *Engine) brakesOff() bool { return e.Opt.LimitDeletes && e.Opt.MaxDelete >= 100 }

// emit reports ev: the one printer words it on e.R (package event).
func (e *Engine) emit(ev event.Event) {
	if e.trace != nil {
		e.trace(ev)
	}
	e.printer().Print(e.R, ev)
}

// printer is the printer of the run's output format.
func (e *Engine) printer() event.Printer {
	return event.Printer{Long: e.Opt.Long, ShowIDs: e.Opt.ShowIDs, Debug: e.R.Debug}
}

// fail records a failure.
func (e *Engine) fail() { e.failed = true }

// mode is how boxes are opened for the run.
func (e *Engine) mode() store.Mode {
	if e.Opt.Simulate {
		return store.ReadOnly
	}
	return store.ReadWrite
}
