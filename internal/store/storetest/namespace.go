package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/pattern"
)

// tree is the set of boxes the listing checks create.
var tree = []string{"a", "b", "dir/c", "dir/sub/d"}

func (s *suite) testCreate(t *testing.T) {
	t.Run("ExistingMailboxIsErrExists", func(t *testing.T) {
		e := s.fresh(t)
		e.create(t, "a")
		wantErr(t, "second Create", e.st.Create(t.Context(), e.name("a")), store.ErrExists)
	})
	t.Run("CreatesMissingParents", func(t *testing.T) {
		e := s.fresh(t)
		e.create(t, "x/y/z")
		mb := e.open(t, "x/y/z", store.ReadWrite)
		defer closeBox(t, mb)
		if msgs := messages(t, mb); len(msgs) != 0 {
			t.Errorf("new mailbox has %d messages", len(msgs))
		}
	})
	t.Run("ExistingParentIsErrExists", func(t *testing.T) {
		if s.h.Parents == ParentNone {
			t.Skip("Harness.Parents == ParentNone: parents do not exist")
		}
		e := s.fresh(t)
		e.create(t, "dir/c")
		if s.h.ParentBecomesMailbox {
			e.create(t, "dir")
			closeBox(t, e.open(t, "dir", store.ReadWrite))
			return
		}
		wantErr(t, "Create of the parent", e.st.Create(t.Context(), e.name("dir")), store.ErrExists)
	})
	t.Run("SiblingUnderExistingParent", func(t *testing.T) {
		e := s.fresh(t)
		e.create(t, "dir/c")
		e.create(t, "dir/e")
		closeBox(t, e.open(t, "dir/e", store.ReadOnly))
	})
}

// listCase is one List call on the tree.
type listCase struct{ ref, pat string }

func (s *suite) testList(t *testing.T) {
	e := s.fresh(t)
	for _, rel := range tree {
		e.create(t, rel)
	}
	cases := []listCase{
		{"", e.name("%")},
		{"", e.name("*")},
		{"", e.name("dir/%")},
		{"", e.name("dir/*")},
		{"", e.name("dir/sub/%")},
		{"", e.name("d%")},
		{"", e.name("a")},
		{"", e.name("dir/c")},
		{"", e.name("zz%")},
		{e.name("dir/"), "%"},
	}
	for _, c := range cases {
		t.Run(c.ref+c.pat, func(t *testing.T) { s.checkList(t, e, c) })
	}
}

// checkList compares List(c) with what the tree implies: selectable names
// exactly, not selectable parents exactly; the directory the pattern ends
// in may also be listed, not selectable, as local stores do ("mail/").
func (s *suite) checkList(t *testing.T, e env, c listCase) {
	full := c.ref + c.pat
	var wantSel, wantNo []string
	for _, rel := range tree {
		if pattern.Match(full, e.name(rel), s.h.Delim) {
			wantSel = append(wantSel, e.name(rel))
		}
	}
	seen := map[string]bool{}
	for _, rel := range tree {
		for _, p := range parentsOf(rel) {
			name, listed, noSelect := s.parentEntry(e, p)
			if !listed || seen[name] || !pattern.Match(full, name, s.h.Delim) {
				continue
			}
			seen[name] = true
			if noSelect {
				wantNo = append(wantNo, name)
			} else {
				wantSel = append(wantSel, name)
			}
		}
	}
	got, err := e.st.List(t.Context(), c.ref, c.pat)
	if err != nil {
		t.Fatalf("List(%q, %q): %v", c.ref, c.pat, err)
	}
	var gotSel, gotNo []string
	for _, le := range got {
		if !pattern.Match(full, le.Name, s.h.Delim) {
			t.Errorf("listed %q does not match %q", le.Name, full)
		}
		if le.Delim != s.h.Delim {
			t.Errorf("listed %q with Delim %q, want %q", le.Name, le.Delim, s.h.Delim)
		}
		switch {
		case !le.NoSelect:
			gotSel = append(gotSel, le.Name)
		case !slices.Contains(wantNo, le.Name) &&
			(le.Name == e.name("") || le.Name == c.ref || le.Name == strings.TrimRight(full, "%*")):
			// the listed root or the directory the pattern ends in
		default:
			gotNo = append(gotNo, le.Name)
		}
	}
	slices.Sort(wantSel)
	slices.Sort(wantNo)
	slices.Sort(gotSel)
	slices.Sort(gotNo)
	if !slices.Equal(gotSel, wantSel) {
		t.Errorf("List(%q, %q) selectable = %q, want %q", c.ref, c.pat, gotSel, wantSel)
	}
	if !slices.Equal(gotNo, wantNo) {
		t.Errorf("List(%q, %q) not selectable = %q, want %q", c.ref, c.pat, gotNo, wantNo)
	}
}

func (s *suite) testOpen(t *testing.T) {
	t.Run("MissingIsErrNoMailbox", func(t *testing.T) {
		e := s.fresh(t)
		for _, mode := range []store.Mode{store.ReadOnly, store.ReadWrite} {
			_, err := e.st.Open(t.Context(), e.name("nothere"), mode)
			wantErr(t, "Open of a missing mailbox", err, store.ErrNoMailbox)
		}
	})
	t.Run("ParentFolder", func(t *testing.T) {
		e := s.fresh(t)
		e.create(t, "dir/c")
		mb, err := e.st.Open(t.Context(), e.name("dir"), store.ReadOnly)
		switch s.h.Parents {
		case ParentMailbox:
			if err != nil {
				t.Fatalf("Open of selectable parent: %v", err)
			}
			defer closeBox(t, mb)
			if msgs := messages(t, mb); len(msgs) != 0 {
				t.Errorf("parent folder has %d messages", len(msgs))
			}
		default:
			if err == nil {
				mb.Close()
				t.Errorf("Open of a not selectable folder succeeded")
			}
		}
	})
}

func (s *suite) testDelete(t *testing.T) {
	e := s.fresh(t)
	e.seed(t, "a", [][]byte{fixture(1)}, []store.Flags{0})
	e.seed(t, "b", [][]byte{fixture(2)}, []store.Flags{0})
	if err := e.st.Delete(t.Context(), e.name("a")); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := e.st.Open(t.Context(), e.name("a"), store.ReadOnly)
	wantErr(t, "Open after Delete", err, store.ErrNoMailbox)
	wantErr(t, "second Delete", e.st.Delete(t.Context(), e.name("a")), store.ErrNoMailbox)
	got, err := e.st.List(t.Context(), "", e.name("%"))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var names []string
	for _, le := range got {
		if !le.NoSelect {
			names = append(names, le.Name)
		}
	}
	if want := []string{e.name("b")}; !slices.Equal(names, want) {
		t.Errorf("List after Delete = %q, want %q", names, want)
	}
	if snaps := e.snapshotBox(t, "b", store.ReadOnly); len(snaps) != 1 || string(snaps[0].body) != string(fixture(2)) {
		t.Errorf("Delete of a changed its sibling b")
	}
	e.create(t, "a")
	if snaps := e.snapshotBox(t, "a", store.ReadOnly); len(snaps) != 0 {
		t.Errorf("re-created mailbox has %d messages, want 0", len(snaps))
	}
}

func (s *suite) testEmpty(t *testing.T) {
	e := s.fresh(t)
	e.create(t, "empty")
	mb := e.open(t, "empty", store.ReadWrite)
	msgs, err := mb.Messages(t.Context())
	if err != nil || len(msgs) != 0 {
		t.Errorf("Messages of an empty mailbox = %d messages, %v; want 0, nil", len(msgs), err)
	}
	n, err := mb.Expunge(t.Context())
	if err != nil || n != 0 {
		t.Errorf("Expunge of an empty mailbox = %d, %v; want 0, nil", n, err)
	}
	closeBox(t, mb)
	if snaps := e.snapshotBox(t, "empty", store.ReadOnly); len(snaps) != 0 {
		t.Errorf("reopened empty mailbox has %d messages", len(snaps))
	}
}
