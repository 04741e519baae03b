package hostile

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// emptyingSession is go-imap's memory server session that answers every
// SELECT and STATUS of a folder for which lies reports true with "0
// messages", and every FETCH in it with nothing: a server whose index
// broke, still listing every folder.
type emptyingSession struct {
	imapserver.SessionIMAP4rev2
	lies     func(folder string) bool
	selected string
}

// liar is what a test sets to choose the folders the server lies about.
type liar struct{ v atomic.Value }

func (l *liar) set(f func(string) bool) { l.v.Store(f) }
func (l *liar) lies(folder string) bool {
	f, _ := l.v.Load().(func(string) bool)
	return f != nil && f(folder)
}

func (s *emptyingSession) Select(name string, opt *goimap.SelectOptions) (*goimap.SelectData, error) {
	data, err := s.SessionIMAP4rev2.Select(name, opt)
	s.selected = name
	if err == nil && s.lies(name) {
		lie := *data
		lie.NumMessages = 0
		return &lie, nil
	}
	return data, err
}

func (s *emptyingSession) Status(name string, opt *goimap.StatusOptions) (*goimap.StatusData, error) {
	data, err := s.SessionIMAP4rev2.Status(name, opt)
	if err == nil && s.lies(name) && data.NumMessages != nil {
		lie := *data
		zero := uint32(0)
		lie.NumMessages = &zero
		return &lie, nil
	}
	return data, err
}

func (s *emptyingSession) Fetch(w *imapserver.FetchWriter, set goimap.NumSet, opt *goimap.FetchOptions) error {
	if s.lies(s.selected) {
		return nil
	}
	return s.SessionIMAP4rev2.Fetch(w, set, opt)
}

// syncedWithLiar starts a server whose lies l chooses, and a world whose
// 4 local folders (archive, lists, trash, work) of 4 messages each a
// first, honest sync copied to it. It returns the world after that sync.
func syncedWithLiar(t *testing.T, l *liar) *world {
	t.Helper()
	addr := serve(t, imaptest.Options{Wrap: func(s imapserver.Session) imapserver.Session {
		return &emptyingSession{SessionIMAP4rev2: s.(imapserver.SessionIMAP4rev2), lies: l.lies}
	}})
	w := newWorld(t)
	w.config(fmt.Sprintf("store local {\n\tpat Mail/%%\n\tprefix Mail/\n}\n"+
		"store server {\n\tserver {%[1]s/notls/user=sam}\n\tref {%[1]s}\n\tpat %%\n\tpasswd secret\n}\n"+
		"channel ch local server {\n\tmsinfo .msinfo\n}\n", addr))
	for _, f := range []string{"archive", "lists", "trash", "work"} {
		var mbox strings.Builder
		for i := range 4 {
			fmt.Fprintf(&mbox, "From alice@example.org Mon Jan  1 10:00:00 2024\nFrom: Alice <alice@example.org>\n"+
				"Subject: %[1]s %[2]d\nMessage-ID: <%[1]s.%[2]d@example.org>\n\nbody %[2]d\n\n", f, i)
		}
		w.write("home/Mail/"+f, mbox.String())
	}
	if r := w.run("ch"); r.Code != 0 || strings.Count(r.Stdout, "4 copied local->server.") != 4 {
		t.Fatalf("good sync: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	return w
}

// TestEveryFolderSuddenlyEmpty (doc/design/brakes.md, "Every box
// empty"): after a good sync of 4 folders holding 16 messages, the server
// answers every folder as empty while it still lists them all. mailsync
// refuses the run (exit 1, an error naming the server's store): every
// local folder and the msinfo stay as they were. Once the server answers
// honestly again, a sync has nothing to do.
func TestEveryFolderSuddenlyEmpty(t *testing.T) {
	var l liar
	w := syncedWithLiar(t, &l)
	good := snapshot(t, w.Root)

	l.set(func(string) bool { return true })
	r := w.run("ch")
	want := "Error: every mailbox of store server that the msinfo remembers messages for is empty or missing " +
		"(16 messages in 4 boxes); refusing to delete them on the other side."
	// One login: the other folders were looked at over the one
	// connection, with no folder selected.
	if r.Code != 1 || !strings.Contains(r.Stderr, want) || strings.Count(r.Stdout, "Authorizing against") != 1 {
		t.Errorf("lying server: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if d := diff(good, snapshot(t, w.Root), under("home/.cache")); len(d) > 0 {
		t.Errorf("the lying server changed local files: %q", d)
	}

	l.set(nil)
	r = w.run("ch")
	if r.Code != 0 || r.Stderr != "" || strings.Contains(r.Stdout, "copied") || strings.Contains(r.Stdout, "Expunged") {
		t.Errorf("honest server again: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := strings.Count(r.Stdout, "4 remain."); got != 4 {
		t.Errorf("honest server again: %d folders with their 4 messages\n%s", got, r.Stdout)
	}
	if d := diff(good, snapshot(t, w.Root), under("home/.cache", "home/.msinfo")); len(d) > 0 {
		t.Errorf("the no-op changed local files: %q", d)
	}
}

// TestFirstFolderEmptied: the server shows only the folder handled first
// empty. That is an ordinary deletion (its local twin is emptied, exit
// 0): the run asks whether every folder is empty, and the next folder,
// looked at over the one connection (one login), answers no.
func TestFirstFolderEmptied(t *testing.T) {
	var l liar
	w := syncedWithLiar(t, &l)
	good := snapshot(t, w.Root)
	l.set(func(f string) bool { return f == "archive" })
	r := w.run("ch")
	if r.Code != 0 || r.Stderr != "" || !strings.Contains(r.Stdout, "archive: \n0 remain.\nExpunged 4 mails in store local\n") ||
		strings.Count(r.Stdout, "Authorizing against") != 1 {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if d := diff(good, snapshot(t, w.Root), under("home/.cache", "home/.msinfo", "home/Mail/archive")); len(d) > 0 {
		t.Errorf("changed besides archive: %q", d)
	}
}
