package channel

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/flagstate"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/memory"
)

// keywordsOf lists the keywords of a box's messages, in box order (as
// the store holds them, kept or not).
func keywordsOf(st *memory.Store, box string) []store.Keywords {
	msgs, _ := st.Contents(box)
	var k []store.Keywords
	for _, m := range msgs {
		k = append(k, m.Keywords)
	}
	return k
}

// keywordsSynced returns a world whose inbox holds <1@x> on both sides
// with keywords start, recorded by a sync with flags sync.
func keywordsSynced(t *testing.T, start store.Keywords) *fworld {
	t.Helper()
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.a.SetKeywordsAt("inbox", 0, start)
	w.b.SetKeywordsAt("inbox", 0, start)
	w.frun(t, fsync)
	if r, ok := flagstate.RecordedKeywords(w.keywords["inbox"][0]); !ok || r != start {
		t.Fatalf("record after the first sync: %q (%v), want %q", r, ok, start)
	}
	return w
}

// TestKeywordsThreeWay: keywords follow the three-way rule one keyword at
// a time, as flags do (doc/design/flags.md, "Keywords").
func TestKeywordsThreeWay(t *testing.T) {
	k := store.KeywordsOf
	cases := []struct {
		name        string
		start, a, b store.Keywords
		want        store.Keywords
		out         string
	}{
		{"added on a", "", "$Junk", "", "$Junk", "inbox: \n1 flag changed a->b.\n1 remains.\n"},
		{"removed on b", k("$Junk", "work"), k("$Junk", "work"), "work", "work", "inbox: \n1 flag changed b->a.\n1 remains.\n"},
		{"added on both", "", "todo", "todo", "todo", "inbox: \n1 remains.\n"},
		{"different ones each side", "x", k("x", "a1"), "", "a1", "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n1 remains.\n"},
		{"nothing changed", k("$Label1", "x"), k("$Label1", "x"), k("$Label1", "x"), k("$Label1", "x"), "inbox: \n1 remains.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := keywordsSynced(t, c.start)
			w.a.SetKeywordsAt("inbox", 0, c.a)
			w.b.SetKeywordsAt("inbox", 0, c.b)
			out, errOut, failed := w.frun(t, fsync)
			check(t, "output", out+errOut, c.out)
			check(t, "failed", failed, false)
			check(t, "a", keywordsOf(w.a, "inbox"), []store.Keywords{c.want})
			check(t, "b", keywordsOf(w.b, "inbox"), []store.Keywords{c.want})
			out, _, _ = w.frun(t, fsync)
			check(t, "second run", out, "inbox: \n1 remains.\n")
			check(t, "b after", keywordsOf(w.b, "inbox"), []store.Keywords{c.want})
		})
	}
}

// TestKeywordsWithoutCase: IMAP keywords do not depend on case: the same
// keyword added on both sides in two spellings is no change, and each
// side keeps its spelling.
func TestKeywordsWithoutCase(t *testing.T) {
	w := keywordsSynced(t, "")
	w.a.SetKeywordsAt("inbox", 0, "todo")
	w.b.SetKeywordsAt("inbox", 0, "ToDo")
	out, _, _ := w.frun(t, fsync)
	check(t, "output", out, "inbox: \n1 remains.\n")
	check(t, "a", keywordsOf(w.a, "inbox"), []store.Keywords{"todo"})
	check(t, "b", keywordsOf(w.b, "inbox"), []store.Keywords{"ToDo"})
	w.b.SetKeywordsAt("inbox", 0, "")
	w.frun(t, fsync)
	check(t, "a after b removed it", keywordsOf(w.a, "inbox"), []store.Keywords{""})
}

// TestKeywordsUnionWithoutRecord: without a record (the first run with
// keywords) each side gets the other's keywords; none is removed.
func TestKeywordsUnionWithoutRecord(t *testing.T) {
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", store.Seen)
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.a.SetKeywordsAt("inbox", 0, "$Junk")
	w.b.SetKeywordsAt("inbox", 0, "work")
	out, _, _ := w.frun(t, Options{FlagSync: true, Long: true})
	want := store.KeywordsOf("$Junk", "work")
	check(t, "a", keywordsOf(w.a, "inbox"), []store.Keywords{want})
	check(t, "b", keywordsOf(w.b, "inbox"), []store.Keywords{want})
	if !strings.Contains(out, "+work\n") || !strings.Contains(out, "+\\Seen +$Junk\n") {
		t.Errorf("-m lines do not name the keywords added:\n%s", out)
	}
}

// TestKeywordsOfACopy: a copy does not carry keywords (Append has none),
// so its keywords are not recorded and the next run gives the copy the
// source's by the union; a keyword the other side's user added to the
// copy meanwhile stays, and none of the source's is removed.
func TestKeywordsOfACopy(t *testing.T) {
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.a.SetKeywordsAt("inbox", 0, store.KeywordsOf("$Label1", "project"))
	w.frun(t, fsync) // copies <1@x> to b, without keywords
	check(t, "b after the copy", keywordsOf(w.b, "inbox"), []store.Keywords{""})
	if _, ok := flagstate.RecordedKeywords(w.keywords["inbox"][0]); ok {
		t.Fatalf("the copy's keywords were recorded: %q", w.keywords["inbox"][0])
	}
	w.b.SetKeywordsAt("inbox", 0, "later")
	out, _, _ := w.frun(t, fsync)
	want := store.KeywordsOf("$Label1", "later", "project")
	check(t, "a", keywordsOf(w.a, "inbox"), []store.Keywords{want})
	check(t, "b", keywordsOf(w.b, "inbox"), []store.Keywords{want})
	check(t, "output", out, "inbox: \n1 flag changed a->b.\n1 flag changed b->a.\n1 remains.\n")
}

// TestKeywordsOneSideKeepsNone: with a mailbox that keeps no keywords
// (a backend without them) the box's keywords are not synchronised: the
// other side's stay as they are, whatever the records say, and none is
// recorded; flags still follow.
func TestKeywordsOneSideKeepsNone(t *testing.T) {
	w := keywordsSynced(t, "$Junk")
	w.b.SetKeepsKeywords(false)
	w.a.SetFlagsAt("inbox", 0, store.Flagged)
	out, errOut, failed := w.frun(t, fsync)
	check(t, "output", out+errOut, "inbox: \n1 flag changed a->b.\n1 remains.\n")
	check(t, "failed", failed, false)
	check(t, "a keeps its keyword", keywordsOf(w.a, "inbox"), []store.Keywords{"$Junk"})
	check(t, "b flags", flagsOf(w.b, "inbox"), []store.Flags{store.Flagged})
	if _, ok := w.keywords["inbox"]; ok {
		t.Errorf("keywords recorded for a box one side of which keeps none: %q", w.keywords["inbox"])
	}
	// Both keep keywords again: no record, so the union, which removes
	// nothing.
	w.b.SetKeepsKeywords(true)
	w.b.SetKeywordsAt("inbox", 0, "")
	w.frun(t, fsync)
	check(t, "a after", keywordsOf(w.a, "inbox"), []store.Keywords{"$Junk"})
	check(t, "b after", keywordsOf(w.b, "inbox"), []store.Keywords{"$Junk"})
}

// TestKeywordsSettledAfterChange: a box entered in the settled book after
// a run that changed one side is read on that side by the next run; a
// keyword changed there since is found (its keywords differ from their
// record) and follows, as a flag does, and the box is not skipped.
func TestKeywordsSettledAfterChange(t *testing.T) {
	dir := t.TempDir()
	w := newFWorld()
	w.put(t, w.a, "inbox", "<1@x>", "one", 0)
	w.put(t, w.b, "inbox", "<1@x>", "one", 0)
	w.bookFRun(t, dir)
	if _, read := w.bookFRun(t, dir); read {
		t.Fatal("a box with nothing to do was not settled")
	}
	w.b.SetKeywordsAt("inbox", 0, "$Junk")
	if out, read := w.bookFRun(t, dir); !read || out != "inbox: \n1 flag changed b->a.\n1 remains.\n" {
		t.Fatalf("keyword added on b: read %v, output %q", read, out)
	}
	check(t, "a", keywordsOf(w.a, "inbox"), []store.Keywords{"$Junk"})
	w.a.SetKeywordsAt("inbox", 0, "") // the side the last run changed
	out, read := w.bookFRun(t, dir)
	check(t, "read", read, true)
	check(t, "output", out, "inbox: \n1 flag changed a->b.\n1 remains.\n")
	check(t, "b", keywordsOf(w.b, "inbox"), []store.Keywords{""})
	if _, read := w.bookFRun(t, dir); read {
		t.Fatal("the box changed on one side by the last run was not settled")
	}
}

// TestKeywordsDiff: diff mode counts a message whose keywords changed on
// the store since the last sync as a flag change, and -m names them.
func TestKeywordsDiff(t *testing.T) {
	w := keywordsSynced(t, "$Junk")
	w.a.SetKeywordsAt("inbox", 0, "todo")
	diff := func(opt Options) string {
		var out bytes.Buffer
		r := NewReporter(&out, &out)
		e := &Engine{Opt: opt, R: r, LastFlags: w.flags, LastKeywords: w.keywords}
		sa, _ := sidesOf(t, r, w.a, w.b)
		if e.Diff(context.Background(), sa, sa.Cfg, w.last).Failed {
			t.Error("diff failed")
		}
		r.Flush()
		return out.String()
	}
	check(t, "diff", diff(fsync), "inbox: 1 flag changed, 1 currently at store a.\n")
	check(t, "diff -m", diff(Options{FlagSync: true, Long: true}),
		"\n *** inbox ***\n\n  flags          "+fp("one")+" +todo -$Junk\n1 flag changed, 1 currently at store a.\n")
	check(t, "b unchanged", keywordsOf(w.b, "inbox"), []store.Keywords{"$Junk"})
}
