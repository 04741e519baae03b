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
// letters of the added flags put in and those of the removed ones taken
// out; every other letter (T, P, keywords) stays. A message whose file
// another program renamed since it was listed is found again by its
// unique part and the change is applied to its flags as they are now. A
// message removed meanwhile is skipped; a key never given out is an
// error. Close makes the renames durable.
func (b *Box) SetFlags(ctx context.Context, changes []store.FlagChange) error {
	if err := b.check("set flags in", true); err != nil {
		return err
	}
	b.finish()
	for _, c := range changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		add, remove := c.Synced()
		if add|remove == 0 {
			continue
		}
		if err := b.setOne(c.Key, add, remove); err != nil {
			return fmt.Errorf("set flags in Maildir %s: %w", b.dir, err)
		}
	}
	return nil
}

// setOne renames the file of key for the change; when the file is gone
// under the name last seen (another program renamed it), it reads the
// directories again and applies the change to the file found there.
func (b *Box) setOne(key uint64, add, remove store.Flags) error {
	for try := 0; ; try++ {
		f, err := b.locate(key)
		if err != nil {
			if key > 0 && key < b.nextKey {
				return nil // listed before, removed since
			}
			return err
		}
		info := changeLetters(f.info, add, remove)
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
