package mbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/pidlock"
	"github.com/mailsync/mailsync/internal/store"
)

var (
	_ store.FlagSetter    = (*Box)(nil)
	_ store.KeywordKeeper = (*Box)(nil)
)

// KeepsKeywords implements store.KeywordKeeper: the box keeps keywords
// when its first message declares them, as c-client reads an mbox
// (keywords.go). Known once the box is listed.
func (b *Box) KeepsKeywords() bool { return b.decl.present }

// SetFlags implements store.FlagSetter. The changes are recorded in the
// session (later listings show them) and written at Close, in place or
// by one rewrite of the file (Expunge's when it expunges something), and
// only for messages whose flags or keywords changed. A keyword the box
// does not declare yet is declared (the rewrite writes the declaration).
// doc/design/mbox.md, "Flag rewrites" and "Keywords".
func (b *Box) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if b.mode != store.ReadWrite {
		return fmt.Errorf("set flags in %s: %w", b.path, store.ErrReadOnly)
	}
	if b.f == nil {
		return fmt.Errorf("set flags in %s: mailbox is closed", b.path)
	}
	if !b.scanned {
		if err := b.rescan(nil); err != nil {
			return err
		}
	}
	ms := make([]*msg, len(changes))
	for i, c := range changes {
		m, err := b.lookup(c.Key)
		if err != nil {
			return fmt.Errorf("set flags: %w", err)
		}
		ms[i] = m
	}
	for i, c := range changes {
		m := ms[i]
		f := c.Apply(m.flags)
		m.flagDiff ^= m.flags ^ f
		m.flags = f
		if c.AddKeywords == "" && c.RemoveKeywords == "" {
			continue
		}
		kw, err := b.decl.apply(m.kw, c.AddKeywords, c.RemoveKeywords)
		if err != nil {
			return fmt.Errorf("set flags in %s: %w", b.path, err)
		}
		if b.kwDiff == nil {
			b.kwDiff = map[uint64]uint32{}
		}
		if d := b.kwDiff[m.key] ^ m.kw ^ kw; d != 0 {
			b.kwDiff[m.key] = d
		} else {
			delete(b.kwDiff, m.key)
		}
		m.kw = kw
	}
	return nil
}

// flagsPending reports flags or keywords set in the session and not yet
// written.
func (b *Box) flagsPending() bool {
	if len(b.kwDiff) > 0 || b.decl.dirty {
		return true
	}
	for i := range b.msgs {
		if b.msgs[i].flagDiff != 0 {
			return true
		}
	}
	return false
}

// changed reports whether m's flags or keywords differ from the file's.
func (b *Box) changed(m *msg) bool { return m.flagDiff != 0 || b.kwDiff[m.key] != 0 }

// written marks every change of the session written.
func (b *Box) written() {
	for i := range b.msgs {
		b.msgs[i].flagDiff = 0
	}
	b.kwDiff = nil
	b.decl.dirty = false
	b.decl.read = len(b.decl.names)
}

// writeFlags writes the flags set in the session (Close): in place when
// every changed message has room for its new status lines, else mail
// appended since the scan is picked up first, as Expunge does, and the
// file is rewritten keeping every message.
func (b *Box) writeFlags() error {
	if wrote, err := b.writeFlagsInPlace(); wrote || err != nil {
		if err != nil {
			return fmt.Errorf("write flags to %s in place: %w", b.path, err)
		}
		return nil
	}
	if err := b.rescan(nil); err != nil {
		return fmt.Errorf("write flags: %w", err)
	}
	if err := b.rewrite(false); err != nil {
		return fmt.Errorf("write flags to %s: %w", b.path, err)
	}
	return nil
}

// tempMark follows ".BOX" in the name of a rewrite's new file,
// ".BOX.mailsync-PID-N" until it is renamed over BOX.
const tempMark = ".mailsync-"

// removeDeadTemps removes the new files of rewrites of path (tempMark)
// whose process is gone: a killed rewrite leaves its new file beside
// the box, which can be as large as the box. It runs under the box's
// locks (no rewrite of path is under way) and tells env what it
// removed. Errors are ignored: a leftover file costs space only.
func removeDeadTemps(path string, env store.Env) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	prefix := "." + base + tempMark
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		p, n, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(p)
		if !ok || err != nil || pid <= 0 || !allDigits(n) || pid == os.Getpid() || pidlock.Alive(pid) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if os.Remove(name) == nil {
			env.Tell(store.DeadRewriteRemoved{File: name, Path: path, PID: pid})
		}
	}
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
