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

// emptyingSession is go-imap's memory server session that, while lying
// is set, answers every SELECT and STATUS with "0 messages" and every
// FETCH with nothing: a server whose index broke, still listing every
// folder.
type emptyingSession struct {
	imapserver.SessionIMAP4rev2
	lying *atomic.Bool
}

func (s *emptyingSession) Select(name string, opt *goimap.SelectOptions) (*goimap.SelectData, error) {
	data, err := s.SessionIMAP4rev2.Select(name, opt)
	if err == nil && s.lying.Load() {
		lie := *data
		lie.NumMessages = 0
		return &lie, nil
	}
	return data, err
}

func (s *emptyingSession) Status(name string, opt *goimap.StatusOptions) (*goimap.StatusData, error) {
	data, err := s.SessionIMAP4rev2.Status(name, opt)
	if err == nil && s.lying.Load() && data.NumMessages != nil {
		lie := *data
		zero := uint32(0)
		lie.NumMessages = &zero
		return &lie, nil
	}
	return data, err
}

func (s *emptyingSession) Fetch(w *imapserver.FetchWriter, set goimap.NumSet, opt *goimap.FetchOptions) error {
	if s.lying.Load() {
		return nil
	}
	return s.SessionIMAP4rev2.Fetch(w, set, opt)
}

// TestEveryFolderSuddenlyEmpty (doc/design/brakes.md, "Every box
// empty"): after a good sync of 4 folders holding 16 messages, the server
// answers every folder as empty while it still lists them all. mailsync
// refuses the run (exit 1, an error naming the server's store): every
// local folder and the msinfo stay as they were. Once the server answers
// honestly again, a sync has nothing to do.
func TestEveryFolderSuddenlyEmpty(t *testing.T) {
	var lying atomic.Bool
	addr := serve(t, imaptest.Options{Wrap: func(s imapserver.Session) imapserver.Session {
		return &emptyingSession{SessionIMAP4rev2: s.(imapserver.SessionIMAP4rev2), lying: &lying}
	}})
	w := newWorld(t)
	w.config(fmt.Sprintf("store local {\n\tpat Mail/%%\n\tprefix Mail/\n}\n"+
		"store server {\n\tserver {%[1]s/notls/user=sam}\n\tref {%[1]s}\n\tpat %%\n\tpasswd secret\n}\n"+
		"channel ch local server {\n\tmsinfo .msinfo\n}\n", addr))
	folders := []string{"archive", "lists", "trash", "work"}
	for _, f := range folders {
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
	good := snapshot(t, w.Root)

	lying.Store(true)
	r := w.run("ch")
	want := "Error: every mailbox of store server that the msinfo remembers messages for is empty or missing " +
		"(16 messages in 4 boxes); refusing to delete them on the other side."
	if r.Code != 1 || !strings.Contains(r.Stderr, want) {
		t.Errorf("lying server: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if d := diff(good, snapshot(t, w.Root), under("home/.cache")); len(d) > 0 {
		t.Errorf("the lying server changed local files: %q", d)
	}

	lying.Store(false)
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
