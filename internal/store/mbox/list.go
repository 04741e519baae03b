package mbox

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/mailsync/mailsync/internal/store"
)

// Messages lists the messages of the file (the pseudo message is hidden).
// The headers share a few large blocks (one allocation per 64 KB, not one
// per message): a caller keeping a few of them for long should copy them.
func (b *Box) Messages(ctx context.Context) ([]store.Message, error) {
	var out []store.Message
	if b.scanned {
		out = make([]store.Message, 0, len(b.msgs))
	}
	var a arena
	err := b.each(ctx, func(sc *scanned, m store.Message) error {
		if len(out) == cap(out) {
			out = slices.Grow(out, max(sc.expect, len(out)+1)-len(out))
		}
		m.Header = a.copy(m.Header)
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachMessage calls fn with each message in file order, as Messages lists
// them, without building the list: the Header passed is valid only during
// the call. The first call scans the file; a later one reads the headers
// of the messages known already again, then scans what was added since.
// An error from fn stops the reading and is returned.
func (b *Box) EachMessage(ctx context.Context, fn func(store.Message) error) error {
	return b.each(ctx, func(_ *scanned, m store.Message) error { return fn(m) })
}

// ctxEvery is how many messages a listing reads between two looks at its
// context: a large box stops soon after a Ctrl-C, not at its end.
const ctxEvery = 1024

// each is EachMessage, fn also getting the scan's view of the message.
func (b *Box) each(ctx context.Context, fn func(*scanned, store.Message) error) error {
	n := 0
	emit := func(sc *scanned) error {
		if n++; n%ctxEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if sc.pseudo {
			return nil
		}
		fl := sc.flags
		if sc.deleted {
			fl |= store.Deleted
		}
		m := store.Message{Key: sc.key, Size: sc.size, Flags: fl, InternalDate: sc.date, Header: sc.header}
		if b.decl.present {
			m.Keywords = b.decl.keywords(sc.kw)
		}
		return fn(sc, m)
	}
	if b.scanned {
		if err := b.reread(emit); err != nil {
			return err
		}
	}
	return b.rescan(emit)
}

// reread reads the From_ line and header of the known messages again and
// hands each, as a scan would, to emit.
func (b *Box) reread(emit func(*scanned) error) error {
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := b.checkSize(); err != nil {
		return err
	}
	var s *scanner
	var sec section
	var m *msg
	var emitErr error
	again := func(sc *scanned) error {
		sc.msg = *m // flags, size and marks as known, not as the header alone says
		emitErr = emit(sc)
		return emitErr
	}
	one := make([]msg, 0, 1)
	for i := range b.msgs {
		m = &b.msgs[i]
		if m.pseudo {
			continue
		}
		sec = section{r: b.f, off: m.start, end: m.bodyStart}
		if s == nil {
			s = newScanner(&sec, m.start, b.path)
		} else {
			s.reset(&sec, m.start)
		}
		if _, err := s.scanMessages(one, false, m.key, again); err != nil {
			if emitErr != nil {
				return emitErr
			}
			return fmt.Errorf("read %s again: %w", b.path, err)
		}
	}
	return nil
}

// section reads the bytes [off, end) of r: an io.SectionReader that can
// be reused.
type section struct {
	r        io.ReaderAt
	off, end int64
}

func (s *section) Read(p []byte) (int, error) {
	if s.off >= s.end {
		return 0, io.EOF
	}
	if int64(len(p)) > s.end-s.off {
		p = p[:s.end-s.off]
	}
	n, err := s.r.ReadAt(p, s.off)
	s.off += int64(n)
	if err == io.EOF {
		err = nil
		if s.off < s.end {
			err = io.ErrUnexpectedEOF // the file shrank
		}
	}
	return n, err
}

// checkSize fails when the file is shorter than the part scanned: another
// program changed it.
func (b *Box) checkSize() error {
	st, err := b.f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", b.path, err)
	}
	if st.Size() < b.size {
		return fmt.Errorf("read %s: file shrank from %d to %d bytes: changed by another program", b.path, b.size, st.Size())
	}
	return nil
}
