package mbox

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// kwPseudo is a pseudo message declaring two keywords.
const kwPseudo = "From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nSubject: " + PseudoSubject + "\nX-IMAP: 1795644331 0000000009 $Junk work\nStatus: RO\n\ntext\n\n"

// kwFile: a declared keyword, a declared one in another case beside an
// undeclared tag, two X-Keywords: lines (c-client ORs them), none.
var kwFile = kwPseudo +
	"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n" + padded("Status: O\nX-Status: \nX-Keywords: $Junk") + "\n\nbody\n\n" +
	"From a@b Mon Jan  1 10:00:01 2024\nSubject: two\n" + padded("Status: O\nX-Status: \nX-Keywords: tag WORK") + "\n\nbody\n\n" +
	"From a@b Mon Jan  1 10:00:02 2024\nSubject: three\nX-Keywords: work\nX-Keywords: $junk\n\nbody\n\n" +
	"From a@b Mon Jan  1 10:00:03 2024\nSubject: four\n\nbody\n\n"

func keywordsOf(ms []store.Message) []store.Keywords {
	var out []store.Keywords
	for _, m := range ms {
		out = append(out, m.Keywords)
	}
	return out
}

func sameKeywords(t *testing.T, what string, got []store.Message, want ...store.Keywords) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d messages, want %d", what, len(got), len(want))
	}
	for i, m := range got {
		if m.Keywords.Minus(want[i]) != "" || want[i].Minus(m.Keywords) != "" {
			t.Errorf("%s: message %d keywords %q, want %q (all: %q)", what, i, m.Keywords, want[i], keywordsOf(got))
		}
	}
}

// TestKeywordsRead: a word of X-Keywords: is a keyword when the first
// message declares it (any case), as c-client reads; a box whose first
// message declares none keeps no keywords, and its messages show none.
func TestKeywordsRead(t *testing.T) {
	b, _, ms := openFlags(t, kwFile)
	if !b.KeepsKeywords() {
		t.Fatal("a box with a pseudo message keeps no keywords")
	}
	sameKeywords(t, "listed", ms, "$Junk", "work", store.KeywordsOf("$Junk", "work"), "")

	base := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nX-IMAPbase: 1795644331 9 later\n" + padded("Status: O\nX-Status: \nX-Keywords: later $Junk") + "\n\nbody\n\n"
	b2, _, ms2 := openFlags(t, base)
	if !b2.KeepsKeywords() {
		t.Fatal("a box whose first message has X-IMAPbase: keeps no keywords")
	}
	sameKeywords(t, "X-IMAPbase", ms2, "later")

	plain := strings.TrimPrefix(kwFile, kwPseudo)
	b3, path, ms3 := openFlags(t, plain)
	if b3.KeepsKeywords() {
		t.Error("a box without a declaration keeps keywords")
	}
	sameKeywords(t, "undeclared", ms3, "", "", "", "")
	if err := b3.SetFlags(ctx, []store.FlagChange{{Key: ms3[3].Key, AddKeywords: "work"}}); err == nil || !strings.Contains(err.Error(), "keeps no keywords") {
		t.Errorf("a keyword set in a box without a declaration: %v", err)
	}
	b3.Close()
	if got, _ := os.ReadFile(path); string(got) != plain {
		t.Error("the box without a declaration was written")
	}
}

// TestKeywordsInPlace: declared keywords are written into the padded
// X-Keywords: line in place; another program's tag stays, the keyword
// removed goes in whatever case it was written.
func TestKeywordsInPlace(t *testing.T) {
	b, path, ms := openFlags(t, kwFile)
	ino := inode(t, path)
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: ms[0].Key, AddKeywords: "work", Add: store.Seen},
		{Key: ms[1].Key, RemoveKeywords: "work", AddKeywords: "$Junk"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(kwFile, padded("Status: O\nX-Status: \nX-Keywords: $Junk"), padded("Status: RO\nX-Status: \nX-Keywords: $Junk work"), 1)
	want = strings.Replace(want, padded("Status: O\nX-Status: \nX-Keywords: tag WORK"), padded("Status: O\nX-Status: \nX-Keywords: $Junk tag"), 1)
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	if inode(t, path) != ino {
		t.Error("rewritten, not changed in place")
	}
	sameKeywords(t, "read again", listed(t, path, store.ReadOnly, env()), store.KeywordsOf("$Junk", "work"), "$Junk", store.KeywordsOf("$Junk", "work"), "")
}

// TestKeywordsDeclare: a keyword the box does not declare is added to
// the declaration (the pseudo message's X-IMAP:, or the first message's
// X-IMAPbase: line, its UID validity and last UID kept), which rewrites
// the file when the line has no room, and leaves room after the names,
// as Dovecot does; c-client's 30 declared keywords are the most.
func TestKeywordsDeclare(t *testing.T) {
	b, path, ms := openFlags(t, kwFile)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[3].Key, AddKeywords: store.KeywordsOf("new", "$Junk")}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(kwFile, "X-IMAP: 1795644331 0000000009 $Junk work\n", "X-IMAP: 1795644331 0000000009 $Junk work new"+strings.Repeat(" ", declRoom)+"\n", 1)
	want = strings.Replace(want, "Subject: four\n\n", "Subject: four\nStatus: \nX-Status: \nX-Keywords: $Junk new\n\n", 1)
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	sameKeywords(t, "read again", listed(t, path, store.ReadOnly, env()), "$Junk", "work", store.KeywordsOf("$Junk", "work"), store.KeywordsOf("$Junk", "new"))

	base := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nX-IMAPbase: 1795644331 9 later\n" + padded("Status: O\nX-Status: \nX-Keywords:") + "\nX-UID: 1\n\nbody\n\n"
	b2, path2, ms2 := openFlags(t, base)
	if err := b2.SetFlags(ctx, []store.FlagChange{{Key: ms2[0].Key, Add: store.Flagged, AddKeywords: "ToDo"}}); err != nil {
		t.Fatal(err)
	}
	if err := b2.Close(); err != nil {
		t.Fatal(err)
	}
	want2 := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nX-IMAPbase: 1795644331 9 later ToDo" + strings.Repeat(" ", declRoom) + "\nStatus: O\nX-Status: F\nX-Keywords: ToDo" + strings.Repeat(" ", 13) + "\nX-UID: 1\n\nbody\n\n" // the padding stays
	if got, _ := os.ReadFile(path2); string(got) != want2 {
		t.Errorf("X-IMAPbase file:\n%q\nwant\n%q", got, want2)
	}

	names := make([]string, 0, maxDeclared)
	for i := len(strings.Fields("$Junk work")); i < maxDeclared; i++ {
		names = append(names, "k"+strconv.Itoa(i))
	}
	b3, _, ms3 := openFlags(t, kwFile)
	if err := b3.SetFlags(ctx, []store.FlagChange{{Key: ms3[3].Key, AddKeywords: store.KeywordsOf(names...)}}); err != nil {
		t.Fatalf("30 declared keywords: %v", err)
	}
	if err := b3.SetFlags(ctx, []store.FlagChange{{Key: ms3[3].Key, AddKeywords: "one-more"}}); err == nil || !strings.Contains(err.Error(), "30 keywords") {
		t.Errorf("a 31st keyword: %v", err)
	}
}

// TestKeywordsDeclarationSurvivesExpunge: when the message that
// declares the keywords (X-IMAPbase:) is expunged, a new pseudo message
// declares them, so the kept messages keep their keywords.
func TestKeywordsDeclarationSurvivesExpunge(t *testing.T) {
	content := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nX-IMAPbase: 1795644331 9 later\nX-Keywords: later\n\nbody\n\n" +
		"From a@b Mon Jan  1 10:00:01 2024\nSubject: two\nX-Keywords: later\n\nbody\n\n"
	b, path, ms := openFlags(t, content)
	if err := b.MarkDeleted(ctx, []uint64{ms[0].Key}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	got := listed(t, path, store.ReadOnly, env())
	sameKeywords(t, "after the expunge", got, "later")
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "X-IMAP: ") || !strings.Contains(string(data), " later\n") {
		t.Errorf("no pseudo message declaring the keyword:\n%s", data)
	}
}

// TestKeywordsListCache: the listing cache keeps the declaration and each
// message's keywords: a box read from it lists what a scan lists.
func TestKeywordsListCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(kwFile), 0o600); err != nil {
		t.Fatal(err)
	}
	e := cacheEnv(t)
	scanned := listed(t, path, store.ReadWrite, e) // writes the cache
	if files, _ := filepath.Glob(filepath.Join(e.CacheDir, "mbox", "*")); len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	b, err := Open(path, store.ReadOnly, e)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cached, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameAsScan(t, cached, scanned)
	sameKeywords(t, "cached", cached, "$Junk", "work", store.KeywordsOf("$Junk", "work"), "")
}

// TestKeywordsDeclareInPlace: once the declaration line has room (a
// rewrite left it, or Dovecot), a new name takes its padding: the file
// is written in place, the pseudo message and the message declared in
// one go, and both read back.
func TestKeywordsDeclareInPlace(t *testing.T) {
	roomy := strings.Replace(kwFile, "X-IMAP: 1795644331 0000000009 $Junk work\n", "X-IMAP: 1795644331 0000000009 $Junk work"+strings.Repeat(" ", 20)+"\n", 1)
	b, path, ms := openFlags(t, roomy)
	ino := inode(t, path)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[0].Key, AddKeywords: "later"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if inode(t, path) != ino {
		t.Error("rewritten, not changed in place")
	}
	want := strings.Replace(roomy, "$Junk work"+strings.Repeat(" ", 20)+"\n", "$Junk work later"+strings.Repeat(" ", 14)+"\n", 1)
	want = strings.Replace(want, padded("Status: O\nX-Status: \nX-Keywords: $Junk"), padded("Status: O\nX-Status: \nX-Keywords: $Junk later"), 1)
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file:\n%q\nwant\n%q", got, want)
	}
	sameKeywords(t, "read again", listed(t, path, store.ReadOnly, env()), store.KeywordsOf("$Junk", "later"), "work", store.KeywordsOf("$Junk", "work"), "")

	// Too little room left: a rewrite, which leaves room again.
	b2, path2, ms2 := openFlags(t, want)
	ino = inode(t, path2)
	if err := b2.SetFlags(ctx, []store.FlagChange{{Key: ms2[3].Key, AddKeywords: "a-name-longer-than-the-room"}}); err != nil {
		t.Fatal(err)
	}
	if err := b2.Close(); err != nil {
		t.Fatal(err)
	}
	if inode(t, path2) == ino {
		t.Error("changed in place without room")
	}
	if got, _ := os.ReadFile(path2); !strings.Contains(string(got), "$Junk work later a-name-longer-than-the-room"+strings.Repeat(" ", declRoom)+"\n") {
		t.Errorf("the rewritten declaration has no room:\n%s", got)
	}
	sameKeywords(t, "read again", listed(t, path2, store.ReadOnly, env()), store.KeywordsOf("$Junk", "later"), "work", store.KeywordsOf("$Junk", "work"), "a-name-longer-than-the-room")
}
