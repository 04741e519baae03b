package maildir

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestKeywordLetters: a Maildir's keywords are the lower-case letters of
// its files' info, named by dovecot-keywords; a letter it does not name
// is no keyword and stays on the file. SetFlags names a new keyword at
// the lowest free index, writes the file before renaming, and adds and
// removes letters (without regard to the keyword's case).
func TestKeywordLetters(t *testing.T) {
	ctx := context.Background()
	dir, b, _ := flagBox(t,
		"cur/1000.M1P1.h:2,Sac",
		"cur/1001.M1P1.h:2,Fb",
		"new/1002.M1P1.h",
	)
	// a and c named ("1" free), b a stray letter, one line not valid.
	if err := os.WriteFile(filepath.Join(dir, keywordFile), []byte("0 $Junk\n2 Work\n5 bad(name\nnot a line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b = openBox(t, dir, store.ReadWrite, testEnv)
	defer b.Close()
	msgs := listing(t, b)
	got := []store.Keywords{msgs[0].Keywords, msgs[1].Keywords, msgs[2].Keywords}
	if want := []store.Keywords{store.KeywordsOf("$Junk", "Work"), "", ""}; !slices.Equal(got, want) {
		t.Fatalf("keywords %q, want %q", got, want)
	}
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: msgs[0].Key, RemoveKeywords: "work", AddKeywords: "later"}, // "later" gets index 3
		{Key: msgs[1].Key, Add: store.Seen, AddKeywords: store.KeywordsOf("$junk", "new2")},
		{Key: msgs[2].Key, AddKeywords: "later"},
	})
	if err != nil {
		t.Fatal(err)
	}
	table, _ := os.ReadFile(filepath.Join(dir, keywordFile))
	// b is on a file without a name: new keywords pass it over.
	if want := "0 $Junk\n2 Work\n3 later\n4 new2\n"; string(table) != want {
		t.Errorf("dovecot-keywords:\n%s\nwant:\n%s", table, want)
	}
	names := dirNames(t, dir)
	for _, want := range []string{"cur/1000.M1P1.h:2,Sad", "cur/1001.M1P1.h:2,FSabe", "cur/1002.M1P1.h:2,d"} {
		if !slices.Contains(names, want) {
			t.Errorf("files %q, want %s among them", names, want)
		}
	}
	b.Close()
	b = openBox(t, dir, store.ReadOnly, testEnv)
	msgs = listing(t, b)
	got = []store.Keywords{msgs[0].Keywords, msgs[1].Keywords, msgs[2].Keywords}
	// The stray b stays, still no keyword.
	want := []store.Keywords{store.KeywordsOf("$Junk", "later"), store.KeywordsOf("$Junk", "new2"), "later"}
	if !slices.Equal(got, want) {
		t.Errorf("read back: %q, want %q", got, want)
	}
}

// TestKeywordLettersRunOut: dovecot-keywords names 26 keywords at most;
// a 27th fails the call before any file is renamed, naming it.
func TestKeywordLettersRunOut(t *testing.T) {
	dir, b, msgs := flagBox(t, "cur/1000.M1P1.h:2,")
	var table strings.Builder
	for i := range maxKeywords {
		fmt.Fprintf(&table, "%d kw%d\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, keywordFile), []byte(table.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	err := b.SetFlags(context.Background(), []store.FlagChange{{Key: msgs[0].Key, Add: store.Seen, AddKeywords: "one-more"}})
	if err == nil || !strings.Contains(err.Error(), "no letter left for keyword one-more: dovecot-keywords names the others of the 26") {
		t.Fatalf("SetFlags with 26 keywords named: %v", err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"cur/1000.M1P1.h:2,"}) {
		t.Errorf("files %q after the refusal", names)
	}
}

// dirNames lists dir's cur and new as "sub/name".
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, sub := range []string{"cur", "new"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			out = append(out, sub+"/"+e.Name())
		}
	}
	slices.Sort(out)
	return out
}
