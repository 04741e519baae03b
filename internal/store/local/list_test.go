package local

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// makeTree builds, below a new home directory, the tree the expectations
// of TestListMatches5_2_7 were recorded on with mailsync 5.2.7 -d.
func makeTree(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	dirs := []string{"mail/a/b/c", "mail/dir", "mail/dx", "mail/ax/q", "Mail/inbox",
		"Mail/work/sub", "Mail/empty", "Mail/.hidden", "Mail/42", "INBOX.d"}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"mail/inbox": "x\n", "mail/a/x": "", "mail/a/b/y": "", "mail/dx/f": "",
		".dotfile": "", ".mh_profile": "Path: Mail\n", "Mail/inbox/1": "hi\n",
		"Mail/inbox/.mh_sequences": "hi\n", "Mail/inbox/notes": "hi\n",
		"Mail/work/3": "hi\n", "Mail/work/sub/1": "", "mbox": "", "inbox": "", "Mail/7": "",
	}
	for f, c := range files {
		if err := os.WriteFile(filepath.Join(home, f), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// show renders entries like 5.2.7's -d listing ("NAME, no inferiors",
// "NAME, no select"), with " (nil)" for entries without a delimiter,
// sorted.
func show(es []store.ListEntry) []string {
	var out []string
	for _, e := range es {
		s := e.Name
		if e.NoInferiors {
			s += ", no inferiors"
		}
		if e.NoSelect {
			s += ", no select"
		}
		switch e.Delim {
		case 0:
			s += " (nil)"
		case '/':
		default:
			s += " (" + string(e.Delim) + ")"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestListMatches5_2_7(t *testing.T) {
	home := makeTree(t)
	s := New(store.Env{Home: home, User: "joe"})
	mailAll := []string{"mail/, no select", "mail/a, no select", "mail/a/b, no select", "mail/a/b/c, no select",
		"mail/a/b/y, no inferiors", "mail/a/x, no inferiors", "mail/ax, no select", "mail/ax/q, no select",
		"mail/dir, no select", "mail/dx, no select", "mail/dx/f, no inferiors", "mail/inbox, no inferiors"}
	cases := []struct {
		ref, pat string
		want     []string
	}{
		{"", "%", []string{".dotfile, no inferiors", ".mh_profile, no inferiors", "INBOX, no inferiors (nil)",
			"INBOX.d, no select", "Mail, no select", "mail, no select", "mbox, no inferiors"}},
		{"", "mail/%", []string{"mail/, no select", "mail/a, no select", "mail/ax, no select",
			"mail/dir, no select", "mail/dx, no select", "mail/inbox, no inferiors"}},
		{"", "mail/*", mailAll},
		{"", "mail/%/%", []string{"mail/a/, no select", "mail/a/b, no select", "mail/a/x, no inferiors",
			"mail/ax/, no select", "mail/ax/q, no select", "mail/dir/, no select", "mail/dx/, no select",
			"mail/dx/f, no inferiors"}},
		{"", "#mh/%", []string{"#mh/empty", "#mh/inbox", "#mh/work"}},
		{"", "#mh/*", []string{"#mh/empty", "#mh/inbox", "#mh/work", "#mh/work/sub"}},
		{"", "mail/d%", []string{"mail/dir, no select", "mail/dx, no select"}},
		{"mail/", "a/%", []string{"mail/a/, no select", "mail/a/b, no select", "mail/a/x, no inferiors"}},
		{"", "#mhinbox", []string{"#mhinbox, no inferiors (nil)"}},
		{"", "#MHINBOX", []string{"#mhinbox, no inferiors (nil)"}},
		{"", "Mail/%", []string{"Mail/, no select", "Mail/.hidden", "Mail/42", "Mail/7, no inferiors",
			"Mail/empty", "Mail/inbox", "Mail/work"}},
		{"", "Mail/*", []string{"Mail/, no select", "Mail/.hidden", "Mail/42", "Mail/7, no inferiors",
			"Mail/empty", "Mail/inbox", "Mail/inbox/notes, no inferiors", "Mail/work", "Mail/work/sub"}},
		{"", "~/mail/%", []string{"~/mail/, no select", "~/mail/a, no select", "~/mail/ax, no select",
			"~/mail/dir, no select", "~/mail/dx, no select", "~/mail/inbox, no inferiors"}},
		{"", "inbox", []string{"INBOX, no inferiors (nil)"}},
		{"", "INBOX", []string{"INBOX, no inferiors (nil)"}},
		{"", "In%", []string{"INBOX, no inferiors (nil)"}},
		{"", "mail/%x/%", []string{"mail/ax/, no select", "mail/ax/q, no select", "mail/dx/, no select",
			"mail/dx/f, no inferiors"}},
		{"mail/", "~/mail/d%", []string{"~/mail/dir, no select", "~/mail/dx, no select"}},
		{"", "mail", []string{"mail, no select"}},
		{"", "mail/inbox", []string{"mail/inbox, no inferiors"}},
		{"", "mail/", []string{"mail/, no select"}},
		{"", "mail/*/", []string{"mail/a/, no select", "mail/a/b/, no select", "mail/a/b/c/, no select",
			"mail/ax/, no select", "mail/ax/q/, no select", "mail/dir/, no select", "mail/dx/, no select"}},
		{"", "Mail/inbox/*", []string{"Mail/inbox/", "Mail/inbox/notes, no inferiors"}},
		{"", "#mh/work/%", []string{"#mh/work/sub"}},
		{"", "#MH/%", nil},
		{"#mh/", "%", []string{"#mh/empty", "#mh/inbox", "#mh/work"}},
		{"", "*", append([]string{".dotfile, no inferiors", ".mh_profile, no inferiors", "INBOX, no inferiors (nil)",
			"INBOX.d, no select", "Mail, no select", "Mail/.hidden", "Mail/42", "Mail/7, no inferiors",
			"Mail/empty", "Mail/inbox", "Mail/inbox/notes, no inferiors", "Mail/work", "Mail/work/sub",
			"mail, no select"}, append(mailAll[1:], "mbox, no inferiors")...)},
		// Not in 5.2.7's recorded set, but following from the same rules.
		{"", "nonexist/%", nil},
		{"", "mail/inbox/%", nil},
		{"", "", nil},
		{"", "#driver.mbox/x", nil},
	}
	for _, c := range cases {
		got, err := s.List(context.Background(), c.ref, c.pat)
		if err != nil {
			t.Errorf("List(%q, %q): %v", c.ref, c.pat, err)
			continue
		}
		want := append([]string(nil), c.want...)
		sort.Strings(want)
		if g, w := strings.Join(show(got), "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("List(%q, %q) =\n%s\nwant\n%s", c.ref, c.pat, g, w)
		}
	}
}

func TestListAbsoluteAndNoMH(t *testing.T) {
	home := makeTree(t)
	if err := os.Remove(filepath.Join(home, ".mh_profile")); err != nil {
		t.Fatal(err)
	}
	s := New(store.Env{Home: home, User: "joe"})
	ctx := context.Background()
	// doc/design/decisions.md#d7-absolute-paths: absolute patterns list (5.2.7
	// lists nothing).
	got, err := s.List(ctx, "", home+"/mail/d%")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := strings.Join(show(got), "|"), home+"/mail/dir, no select|"+home+"/mail/dx, no select"; g != w {
		t.Errorf("absolute listing = %s, want %s", g, w)
	}
	// An absolute pattern ignores the reference, as in c-client.
	got, err = s.List(ctx, "mail/", home+"/mail/d%")
	if err != nil || len(got) != 2 {
		t.Errorf("absolute pattern with ref = %v, %v", show(got), err)
	}
	// Without ~/.mh_profile: #mh lists nothing, MH directories are plain.
	for _, pat := range []string{"#mh/%", "#mhinbox"} {
		if got, err := s.List(ctx, "", pat); err != nil || len(got) != 0 {
			t.Errorf("List(%q) without MH = %v, %v", pat, show(got), err)
		}
	}
	got, _ = s.List(ctx, "", "Mail/inbox/*")
	if g, w := strings.Join(show(got), "|"), "Mail/inbox/, no select|Mail/inbox/.mh_sequences, no inferiors|Mail/inbox/1, no inferiors|Mail/inbox/notes, no inferiors"; g != w {
		t.Errorf("Mail/inbox/* without MH = %s, want %s", g, w)
	}
}

func TestListErrors(t *testing.T) {
	home := makeTree(t)
	s := New(store.Env{Home: home, User: "joe"})
	ctx := context.Background()
	if err := os.Symlink("loop", filepath.Join(home, "loop")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(ctx, "", "loop/%"); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("listing an unusable directory: %v", err)
	}
	// A dangling or looping entry inside a listed directory is skipped.
	if got, err := s.List(ctx, "", "lo%"); err != nil || len(got) != 0 {
		t.Errorf("List(lo%%) = %v, %v", show(got), err)
	}
	if _, err := s.List(ctx, "", "%%%%%%%%%%%"); err == nil {
		t.Errorf("11 wildcards accepted")
	}
	if _, err := s.List(ctx, "{host}", "%"); err == nil {
		t.Errorf("remote reference accepted")
	}
	if os.Geteuid() != 0 {
		dir := filepath.Join(home, "mail", "dir")
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
		if _, err := s.List(ctx, "", "mail/*"); err == nil || !strings.Contains(err.Error(), "permission") {
			t.Errorf("unreadable directory: %v", err)
		}
	}
}

func TestListDepthLimit(t *testing.T) {
	home := t.TempDir()
	p := filepath.Join(home, "d")
	for i := 0; i < 25; i++ {
		p = filepath.Join(p, "d")
	}
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatal(err)
	}
	got, err := New(store.Env{Home: home}).List(context.Background(), "", "d/*")
	if err != nil {
		t.Fatal(err)
	}
	// "d/" itself, then d/d … at levels 0 to 20: 21 names below it.
	if len(got) != 22 {
		t.Errorf("got %d entries, want 22", len(got))
	}
}

func TestExtends(t *testing.T) {
	cases := []struct {
		pat, dir string
		want     bool
	}{
		{"mail/%", "mail/", true},
		{"mail/%", "mail/a/", false},
		{"mail/%/%", "mail/a/", true},
		{"mail/%x/%", "mail/ax/", true},
		{"mail/%x/%", "mail/ab/", false},
		{"%x/%", "ax/", true},
		{"mail/*", "mail/a/b/", true},
		{"mail/", "mail/", false},
		{"mail/*/", "mail/a/", true},
		{"mail/d%", "mail/", true},
		{"mail/d%", "mail/dir/", false},
		{"other/%", "mail/", false},
		{"%", "mail/", false},
		{"#mh/%/%", "#mh/work/", true},
	}
	for _, c := range cases {
		if got := extends(c.pat, c.dir); got != c.want {
			t.Errorf("extends(%q, %q) = %v, want %v", c.pat, c.dir, got, c.want)
		}
	}
}
