package maildir

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mailsync/mailsync/internal/atomicfile"
	"github.com/mailsync/mailsync/internal/store"
)

// Keywords (doc/design/flags.md, "Keywords"), as Dovecot keeps them in a
// Maildir: a message's keywords are the lower-case letters of its info
// part ("a" to "z"), each the keyword of its index in the folder's file
// dovecot-keywords, one "INDEX NAME" line per keyword ("0 $Junk"). A
// letter the file does not name is no keyword we know, and is left on
// the file as it is. A keyword added to a message that the file lacks
// gets the lowest free index whose letter no file carries unnamed; the
// file is then written anew (a
// temporary file renamed over it) before any message is renamed to
// carry its letter, so a letter on a file always has its name. Both are
// done under Dovecot's dovecot-uidlist lock (uidlistlock.go), under which
// Dovecot writes the file.

// keywordFile is the name of the file that names the keyword letters.
const keywordFile = "dovecot-keywords"

// maxKeywords is how many keywords a Maildir can name: the letters a-z.
const maxKeywords = 26

// keywordTable is a folder's dovecot-keywords: the keyword of each
// letter's index, "" for an index without one.
type keywordTable [maxKeywords]string

var _ store.KeywordKeeper = (*Box)(nil)

// KeepsKeywords implements store.KeywordKeeper: a Maildir keeps
// keywords, in Dovecot's way.
func (b *Box) KeepsKeywords() bool { return true }

// readKeywordTable reads dir's dovecot-keywords; a missing file is an
// empty table. Lines that are not "INDEX NAME" with an index below 26
// and a valid keyword are ignored (Dovecot ignores them too).
func readKeywordTable(dir string) (keywordTable, error) {
	var t keywordTable
	data, err := os.ReadFile(filepath.Join(dir, keywordFile))
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("read keywords of Maildir %s: %w", dir, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		num, name, ok := strings.Cut(sc.Text(), " ")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i < 0 || i >= maxKeywords || !store.ValidKeyword(name) || t.index(name) >= 0 {
			continue
		}
		t[i] = name
	}
	return t, nil
}

// index returns the index of keyword name (without regard to case), -1
// when the table lacks it.
func (t *keywordTable) index(name string) int {
	for i, n := range t {
		if n != "" && strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// keywords returns the keywords the letters of info name.
func (t *keywordTable) keywords(info string) store.Keywords {
	var names []string
	for i := 0; i < len(info); i++ {
		if c := info[i]; c >= 'a' && c <= 'z' && t[c-'a'] != "" {
			names = append(names, t[c-'a'])
		}
	}
	if len(names) == 0 {
		return ""
	}
	return store.KeywordsOf(names...)
}

// add gives each keyword of k an index, the lowest free one for those
// the table lacks, passing over the letters in stray (on some file
// without a name: naming one would give those files the keyword); it
// reports whether the table changed. An error when no letter is left.
func (t *keywordTable) add(k store.Keywords, stray map[byte]bool) (bool, error) {
	changed := false
	for _, name := range k.Names() {
		if t.index(name) >= 0 {
			continue
		}
		free := -1
		for i, n := range t {
			if n == "" && !stray[byte('a'+i)] {
				free = i
				break
			}
		}
		if free < 0 {
			return changed, fmt.Errorf("no letter left for keyword %s: %s names the others of the 26: %w", name, keywordFile, store.ErrKeywordsFull)
		}
		t[free] = name
		changed = true
	}
	return changed, nil
}

// write replaces dir's dovecot-keywords with t, atomically.
func (t *keywordTable) write(dir string) error {
	err := atomicfile.Write(filepath.Join(dir, keywordFile), "."+keywordFile+".tmp-*", func(w io.Writer) error {
		for i, n := range t {
			if n != "" {
				if _, err := fmt.Fprintf(w, "%d %s\n", i, n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write keywords of Maildir %s: %w", dir, err)
	}
	return nil
}

// changeKeywords returns info with the letters of add put in and those
// of remove taken out (every letter naming a removed keyword).
func (t *keywordTable) changeKeywords(info string, add, remove store.Keywords) string {
	for _, name := range remove.Names() {
		if add.Has(name) {
			continue
		}
		for i, n := range t {
			if n != "" && strings.EqualFold(n, name) {
				info = strings.ReplaceAll(info, string(rune('a'+i)), "")
			}
		}
	}
	for _, name := range add.Names() {
		if i := t.index(name); i >= 0 {
			info = addLetter(info, byte('a'+i))
		}
	}
	return info
}
