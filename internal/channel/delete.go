package channel

import (
	"context"
	"sort"
)

// deleteAndExpunge flags the messages to delete on both sides and expunges
// (5.6): ids deleted on the other side (every occurrence) and, per D2,
// every later occurrence of a duplicated id (the first one stays).
func (e *Engine) deleteAndExpunge(ctx context.Context, oa, ob *openSide, plan Plan, name string) bool {
	ok := true
	e.R.Debugf(" Removing messages from store %q", oa.side.Name())
	e.R.Debugf("Opening %s with options 0", FullName(oa.side.Cfg, oa.side.Boxes.Delim, name))
	if !e.markDeleted(ctx, oa, plan.DeleteA, "< ") {
		ok = false
	}
	e.R.Debugf(" Removing messages from store %q", ob.side.Name())
	e.R.Debugf("Opening %s with options 0", FullName(ob.side.Cfg, ob.side.Boxes.Delim, name))
	if !e.markDeleted(ctx, ob, plan.DeleteB, "> ") {
		ok = false
	}
	e.R.Debugf(" Expunging messages")
	for _, o := range []*openSide{oa, ob} {
		n, err := o.mb.Expunge(ctx)
		if err != nil {
			e.R.Errf("Error: expunge %s in store %s: %v\n", o.full(), o.side.Name(), err)
			ok = false
			continue
		}
		if n > 0 {
			e.R.Outf("Expunged %d %s in store %s\n", n, plural(n, "mail", "mails"), o.side.Name())
		}
	}
	return ok
}

// victims returns the indexes of the messages to delete in one side, in
// byte order of their ids (5.2.7 walks its id set in that order).
func victims(sc *scanned, gone []string) []int {
	byID := make(map[string][]int, len(gone)+len(sc.dups))
	for _, id := range gone {
		byID[id] = nil
	}
	for i, id := range sc.ids {
		if id == "" {
			continue
		}
		_, isGone := byID[id]
		if isGone || sc.firstOf(id) != i {
			byID[id] = append(byID[id], i)
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var idx []int
	for _, id := range ids {
		idx = append(idx, byID[id]...)
	}
	return idx
}

// markDeleted flags the messages of one side.
func (e *Engine) markDeleted(ctx context.Context, o *openSide, gone []string, dir string) bool {
	idx := victims(o.scan, gone)
	if len(idx) == 0 {
		return true
	}
	keys := make([]uint64, len(idx))
	for j, i := range idx {
		keys[j] = o.scan.msgs[i].Key
		e.warnRepairs(o.scan.repairsOf(i)) // the re-check before deleting
		if e.Opt.Long {
			e.R.Outf("%s%s\n", lead("deleted", dir), o.scan.fromPart(i))
		}
	}
	if err := o.mb.MarkDeleted(ctx, keys); err != nil {
		e.R.Errf("Error: flag messages deleted in store %s: %v\n", o.side.Name(), err)
		return false
	}
	return true
}
