package channel

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mailsync/mailsync/internal/channel/details"
	"github.com/mailsync/mailsync/internal/channel/idtable"
	"github.com/mailsync/mailsync/internal/msgid"
	"github.com/mailsync/mailsync/internal/store"
)

// errEnough stops a pass over a box once every message needed was met.
var errEnough = errors.New("every message needed was read")

// loadDetails makes sure the details of the messages need (indexes, in
// increasing order, no repeats) are at hand. A box read through its
// listing has them all; a streamed box has those of the messages whose id
// the last state lacks (the scan keeps them: only they can be copied).
// For the others (deletions) it reads the box again from its start, as
// far as the last one needed, and keeps the details of need. Each message
// read is checked to carry the id the scan computed: a box changed
// meanwhile by another program is an error, not a copy or deletion of
// another message.
func (e *Engine) loadDetails(ctx context.Context, o *openSide, need []int32) error {
	s := o.scan
	if !s.streamed || !slices.ContainsFunc(need, func(i int32) bool { return !s.det.Has(i) }) {
		return nil
	}
	d := details.New(len(need))
	i, k := int32(0), 0
	err := o.mb.(store.Streamer).EachMessage(ctx, func(m store.Message) error {
		if k == len(need) {
			return errEnough
		}
		if i == need[k] {
			if i >= int32(len(s.nums)) || s.nums[i] == idtable.NoID || msgid.Compute(e.Opt.Alg, m.Header).Value != s.t.Str(s.nums[i]) {
				return fmt.Errorf("message %d is not the one read before: the mailbox was changed by another program", i+1)
			}
			d.Add(i, m, e.printedLater(m))
			k++
		}
		i++
		return nil
	})
	if errors.Is(err, errEnough) || err == nil && k == len(need) {
		s.det = d
		return nil
	}
	if err == nil {
		err = fmt.Errorf("it holds %d messages, fewer than the %d read before: the mailbox was changed by another program", i, len(s.nums))
	}
	return fmt.Errorf("read %s again: %w", o.full(), err)
}

// needed returns the indexes, in increasing order without repeats, of
// the messages whose details the sync of a side needs: the copies' sources,
// the deletions' victims and the messages whose flags change (flags).
func needed(copies, victims, flags []int32) []int32 {
	need := append(append(slices.Clone(copies), victims...), flags...)
	slices.Sort(need)
	return slices.Compact(need)
}

// firstOf returns, for each id of ids, the index of the first message of
// the side that has it (ids the side has).
func (s *scanned) firstOf(ids []int32) []int32 {
	if len(ids) == 0 {
		return nil
	}
	first := make([]int32, s.t.Len()) // index + 1 of the first occurrence
	for i, n := range s.nums {
		if n != idtable.NoID && first[n] == 0 {
			first[n] = int32(i + 1)
		}
	}
	out := make([]int32, len(ids))
	for k, n := range ids {
		out[k] = first[n] - 1
	}
	return out
}
