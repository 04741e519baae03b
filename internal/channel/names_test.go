package channel

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// listOnly is a store that lists the given entries (and can do nothing
// else): what a lying server answers to LIST.
type listOnly struct {
	store.Store
	entries []store.ListEntry
}

func (l listOnly) List(context.Context, string, string) ([]store.ListEntry, error) {
	return l.entries, nil
}

// serverStores are configurations of a store whose listed names are
// checked: the pattern and prefix decide which part of a name the
// configuration fixed.
var serverStores = []config.Store{
	{Name: "server", Server: "{h}", Ref: "{h}", Pat: "%"},
	{Name: "server", Server: "{h}", Ref: "{h}", Pat: "*"},
	{Name: "server", Server: "{h}", Ref: "{h}", Pat: "INBOX.%", Prefix: "INBOX."},
	{Name: "server", Server: "{h}", Ref: "{h}", Pat: "INBOX/*", Prefix: "INBOX/"},
	{Name: "server", Server: "{h}", Ref: "{h}", Pat: "Mail/%"},
	{Name: "server", Server: "{h}", Ref: "{h}INBOX.", Pat: "%", Prefix: "INBOX."},
}

// localPrefixes are prefixes of the local store the names go to, with
// the folder that store's boxes must stay in (relative to HOME, or
// absolute), as the user configured them (D7 allows ".." and absolute
// paths there).
var localPrefixes = []struct{ prefix, root string }{
	{"", "."},
	{"Mail/", "Mail"},
	{"Mail", "."},
	{"#mh/", "mh"},
	{"#mh/inbox/", "mh/inbox"},
	{"#maildir/Maildir/", "Maildir"},
	{"../up/", "../up"},
	{"~/x/", "x"},
}

// refuse runs the name check of a sync between a server store listing
// name and a local store with prefix; it returns the surviving box
// names.
func refuse(t *testing.T, srv config.Store, delim byte, name, prefix string) []string {
	t.Helper()
	x := &Side{Cfg: &srv, Store: listOnly{entries: []store.ListEntry{{Name: name, Delim: delim}}}}
	r := NewReporter(io.Discard, io.Discard)
	var err error
	if x.Boxes, err = ListBoxes(context.Background(), x.Store, x.Cfg, r); err != nil {
		t.Fatal(err)
	}
	y := &Side{Cfg: &config.Store{Name: "local", Pat: prefix + "%", Prefix: prefix}, Boxes: &Boxes{Delim: '/', byName: map[string]*Box{}}}
	e := &Engine{R: r}
	e.refuseEscapes(x, y, msinfo.State{}, msinfo.State{})
	return x.Boxes.Names()
}

// FuzzNameStaysInStore: whatever name a server lists, with whatever
// delimiter, a box that survives the check becomes a local path inside
// the local store's folder (INBOX aside: 5.2.7 pairs INBOX with the
// user's INBOX by design), and a mailbox name in the server store that
// begins with its prefix and has no ".." level or control character.
func FuzzNameStaysInStore(f *testing.F) {
	for _, s := range []string{"work", "../x", "a/../../x", "INBOX.a..b", "#mh/../z", "~/x", "/etc/passwd",
		"x\x00y", "INBOX/../../y", "a/./b", "two//levels", "..", ".", "INBOX..", "Mail/../..", "~root"} {
		f.Add(s, false, uint8(0), uint8(0))
		f.Add(s, true, uint8(2), uint8(1))
	}
	home := f.TempDir()
	mhRoot := filepath.Join(home, "mh")
	if err := os.WriteFile(filepath.Join(home, ".mh_profile"), []byte("Path: mh\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	st := local.New(store.Env{Home: home, User: "tester"})
	f.Fuzz(func(t *testing.T, name string, dot bool, si, pi uint8) {
		srv := serverStores[int(si)%len(serverStores)]
		lp := localPrefixes[int(pi)%len(localPrefixes)]
		delim := byte('/')
		if dot {
			delim = '.'
		}
		for _, box := range refuse(t, srv, delim, name, lp.prefix) {
			// The local side.
			localName := MailboxName(&config.Store{Prefix: lp.prefix}, '/', box)
			if strings.EqualFold(localName, "INBOX") {
				continue
			}
			p, err := st.Path(localName)
			if err != nil {
				continue // not a name the local store resolves: nothing is touched
			}
			root := filepath.Join(home, lp.root)
			if strings.HasPrefix(lp.prefix, "#mh/") {
				root = filepath.Join(mhRoot, strings.TrimPrefix(lp.root, "mh"))
			}
			if rel, err := filepath.Rel(root, p); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				t.Fatalf("server %+v (delim %q) lists %q: box %q becomes local %q = %s, outside %s",
					srv, delim, name, box, localName, p, root)
			}
			// The server side: the name the box has there.
			remote := MailboxName(&srv, delim, box)
			rest, ok := strings.CutPrefix(remote, srv.Prefix)
			if !ok {
				t.Fatalf("box %q becomes server name %q without the prefix %q", box, remote, srv.Prefix)
			}
			for _, level := range strings.Split(rest, string(delim)) {
				if level == ".." && !strings.Contains(literalStart(srv.Pat), "..") {
					t.Fatalf("box %q becomes server name %q with a .. level", box, remote)
				}
			}
			if strings.ContainsFunc(box, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Fatalf("box %q with a control character survived", box)
			}
		}
	})
}

// TestNameCheckKeepsConfiguredNames: what the configuration wrote is
// not checked (D7): ".." and absolute paths in pat and prefix work, and
// honest names pass.
func TestNameCheckKeepsConfiguredNames(t *testing.T) {
	for _, tc := range []struct {
		srv   config.Store
		delim byte
		name  string
		want  bool
	}{
		{config.Store{Pat: "../Mail/%"}, '/', "../Mail/inbox", true},
		{config.Store{Pat: "/var/mail/%", Prefix: "/var/mail/"}, '/', "/var/mail/sam", true},
		{config.Store{Pat: "~/Mail/*", Prefix: "~/Mail/"}, '/', "~/Mail/a/b", true},
		{config.Store{Pat: "#mh/%"}, '/', "#mh/inbox", true},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "INBOX.%", Prefix: "INBOX."}, '.', "INBOX.work", true},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "%"}, '/', "Reisen Übersicht", true},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "%"}, '/', "priv&AOk-", true},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "%"}, '/', "dir/", true},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "../Mail/%"}, '/', "../Mail/../x", false},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "INBOX.%", Prefix: "INBOX."}, '.', "INBOX...x", false},
		{config.Store{Server: "{h}", Ref: "{h}", Pat: "INBOX.%", Prefix: "INBOX."}, '.', "INBOX.", true},
	} {
		got := len(refuse(t, tc.srv, tc.delim, tc.name, "Mail/")) == 1
		if got != tc.want {
			t.Errorf("pat %q prefix %q: name %q kept = %v, want %v", tc.srv.Pat, tc.srv.Prefix, tc.name, got, tc.want)
		}
	}
}

// TestPairWithServer: a local store paired with a server pairs its
// names under their modified UTF-7 form (doc/design/names.md) and keeps
// its own names for opening; names already in that form (5.2.7's
// "priv&AOk-") pair as they are and win over a UTF-8 twin; between two
// local stores names pair as they are.
func TestPairWithServer(t *testing.T) {
	var errs strings.Builder
	r := NewReporter(io.Discard, &errs)
	local := func() *Side {
		s := &Side{Cfg: &config.Store{Name: "local", Pat: "Mail/%", Prefix: "Mail/"},
			Store: listOnly{entries: []store.ListEntry{
				{Name: "Mail/Reisen Übersicht", Delim: '/'}, {Name: "Mail/plain", Delim: '/'},
				{Name: "Mail/priv&AOk-", Delim: '/'}, {Name: "Mail/privé", Delim: '/'},
				{Name: "Mail/Tom & Jerry", Delim: '/'}}}}
		var err error
		if s.Boxes, err = ListBoxes(context.Background(), s.Store, s.Cfg, r); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := local()
	pairWithServer(r, s, &config.Store{Name: "server", Server: "{h}"})
	want := []string{"Reisen &ANw-bersicht", "Tom &- Jerry", "priv&AOk-", "plain"}
	if got := s.Boxes.Names(); !slices.Equal(got, want) {
		t.Errorf("paired names %q, want %q", got, want)
	}
	for pair, mailbox := range map[string]string{"Reisen &ANw-bersicht": "Mail/Reisen Übersicht",
		"Tom &- Jerry": "Mail/Tom & Jerry", "priv&AOk-": "Mail/priv&AOk-", "plain": "Mail/plain"} {
		if got := s.Mailbox(pair); got != mailbox {
			t.Errorf("Mailbox(%q) = %q, want %q", pair, got, mailbox)
		}
	}
	if want := "Warning: skipping mailbox \"Mail/privé\" of store local: its name on a server, priv&AOk-, is the name of its mailbox \"Mail/priv&AOk-\"\n"; errs.String() != want {
		t.Errorf("stderr %q, want %q", errs.String(), want)
	}
	s = local()
	pairWithServer(r, s, &config.Store{Name: "other"})
	if got := s.Boxes.Names(); !slices.Contains(got, "Reisen Übersicht") || !slices.Contains(got, "privé") {
		t.Errorf("between local stores the names changed: %q", got)
	}
}
