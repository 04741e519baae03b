package maildir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailsync/mailsync/internal/store"
)

var _ store.FlagSetter = (*Box)(nil)

// maxRenameTries bounds how often SetFlags looks a message up again when
// other programs keep renaming its file under it.
const maxRenameTries = 10

// SetFlags implements store.FlagSetter ("Flag changes" in the package
// comment): each message's file is renamed to cur/UNIQUE:2,INFO with the
// letters of the added flags and keywords put in and those of the
// removed ones taken out (keywords.go names the keyword letters first);
// every other letter (T, P, a keyword letter no change names) stays. A message whose file
// another program renamed since it was listed is found again by its
// unique part and the change is applied to its flags as they are now. A
// message removed meanwhile is skipped; a key never given out is an
// error. Close makes the renames durable.
func (b *Box) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if err := b.check("set flags in", true); err != nil {
		return err
	}
	b.finish()
	if err := b.nameKeywords(changes); err != nil {
		return fmt.Errorf("set flags in Maildir %s: %w", b.dir, err)
	}
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		add, remove := c.Synced()
		if add|remove == 0 && c.AddKeywords == "" && c.RemoveKeywords == "" {
			continue
		}
		if err := b.setOne(c, add, remove); err != nil {
			return fmt.Errorf("set flags in Maildir %s: %w", b.dir, err)
		}
	}
	return nil
}

// nameKeywords makes sure dovecot-keywords names every keyword changes
// add, read afresh (another program may have named more since the scan)
// and written before any file carries a new letter (keywords.go), under
// Dovecot's dovecot-uidlist lock (uidlistlock.go).
func (b *Box) nameKeywords(changes []store.FlagChange) error {
	var added store.Keywords
	for _, c := range changes {
		added = added.Union(c.AddKeywords)
	}
	if added == "" {
		return nil
	}
	unlock, err := lockUIDList(b.dir, b.env)
	if err != nil {
		return err
	}
	defer unlock()
	kw, err := readKeywordTable(b.dir)
	if err != nil {
		return err
	}
	stray := map[byte]bool{}
	for _, f := range b.files {
		for i := 0; i < len(f.info); i++ {
			if c := f.info[i]; c >= 'a' && c <= 'z' && kw[c-'a'] == "" {
				stray[c] = true
			}
		}
	}
	changed, err := kw.add(added, stray)
	if err != nil {
		return err
	}
	if changed {
		if err := kw.write(b.dir); err != nil {
			return err
		}
	}
	b.kw = kw
	return nil
}

// setOne renames the file of key for the change; when the file is gone
// under the name last seen (another program renamed it), it reads the
// directories again and applies the change to the file found there.
func (b *Box) setOne(c store.FlagChange, add, remove store.Flags) error {
	key := c.Key
	for try := 0; ; try++ {
		f, err := b.locate(key)
		if err != nil {
			if key > 0 && key < b.nextKey {
				return nil // listed before, removed since
			}
			return err
		}
		info := b.kw.changeKeywords(changeLetters(f.info, add, remove), c.AddKeywords, c.RemoveKeywords)
		if info == f.info {
			return nil // nothing to change (a new/ message stays new)
		}
		name := f.uniq + string(infoSep) + "2," + info
		err = os.Rename(b.path(f), filepath.Join(b.dir, "cur", name))
		if err == nil {
			b.unsynced[f.sub], b.unsynced["cur"] = true, true // Close fsyncs them
			b.files[key] = parseName("cur", name)
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) || try == maxRenameTries {
			return err
		}
		delete(b.files, key) // renamed meanwhile: find it again
	}
}

// changeLetters returns info with the letters of add put in (in ASCII
// order, as addLetter keeps them) and those of remove taken out. Only
// the letters of store.SyncedFlags (D, F, R, S) are touched.
func changeLetters(info string, add, remove store.Flags) string {
	for _, l := range flagLetters {
		if l.flag&store.SyncedFlags == 0 {
			continue
		}
		switch {
		case add&l.flag != 0:
			info = addLetter(info, byte(l.letter))
		case remove&l.flag != 0:
			info = strings.ReplaceAll(info, string(rune(l.letter)), "")
		}
	}
	return info
}
