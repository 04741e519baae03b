package channel

import (
	"context"

	"github.com/mailsync/mailsync/internal/store"
)

// copyAll copies the messages with the given ids from src to dst (5.5),
// in the order given (byte order of ids). dir is the direction string of
// copied/too big lines, ignDir that of ign. del lines. Ids whose copy
// fails or is skipped are removed from keep. It returns the number copied
// and whether no copy failed.
func (e *Engine) copyAll(ctx context.Context, src, dst *openSide, ids []string, dir, ignDir string, keep map[string]bool) (int, bool) {
	n, ok := 0, true
	for _, id := range ids {
		i := src.scan.first[id]
		m := src.scan.msgs[i]
		e.warnRepairs(src.scan.ids[i].Repairs) // 5.2.7 computes the id again here
		line := fromPart(m.InternalDate, m.Header) + e.optID(id)
		switch {
		case m.Flags&store.Deleted != 0 && !e.Opt.CopyDeleted:
			e.R.Outf("%s%s\n", lead("ign. del", ignDir), line)
			delete(keep, id)
			continue
		case e.Opt.SizeLimit > 0 && uint64(m.Size) > e.Opt.SizeLimit:
			e.R.Outf("%s%s\n", lead("too big", dir), line)
			delete(keep, id)
			continue
		}
		if !e.Opt.Simulate {
			if err := e.copyOne(ctx, src, dst, m); err != nil {
				e.R.Errf("Error: copy message %s from %s (store %s) to %s (store %s): %v\n", id,
					src.full(), src.side.Name(), dst.full(), dst.side.Name(), err)
				if e.Opt.Long {
					e.R.Outf("%s%s\n", lead("copyfail", dir), line)
				}
				delete(keep, id)
				ok = false
				if ctx.Err() != nil {
					return n, false
				}
				continue
			}
			e.R.Debugf(" Flags: %q", flagString(m.Flags))
		}
		if e.Opt.Long {
			e.R.Outf("%s%s\n", lead("copied", dir), line)
		}
		n++
	}
	return n, ok
}

// copyOne streams one message from src to dst with its flags and date.
func (e *Engine) copyOne(ctx context.Context, src, dst *openSide, m store.Message) error {
	body, err := src.mb.Fetch(ctx, m.Key)
	if err != nil {
		return err
	}
	defer body.Close()
	return dst.mb.Append(ctx, store.NewMessage{
		Flags:        m.Flags & store.CopiedFlags,
		InternalDate: m.InternalDate,
		Size:         m.Size,
		Body:         body,
	})
}

// flagString renders flags as 5.2.7's -d " Flags:" line does.
func flagString(f store.Flags) string {
	s := ""
	for _, x := range []struct {
		f    store.Flags
		name string
	}{{store.Seen, "\\Seen"}, {store.Deleted, "\\Deleted"}, {store.Flagged, "\\Flagged"}, {store.Answered, "\\Answered"}, {store.Draft, "\\Draft"}} {
		if f&x.f != 0 {
			s += " " + x.name
		}
	}
	return s
}
