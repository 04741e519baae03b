package migrate

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// TestGuideWithoutMessageID backs the guide's advice for archives with messages
// that have no Message-ID: by default such a message is left behind with a
// warning (doc/design/decisions.md#d1-id-less-messages), with -t md5 (from the
// first run on) it is migrated like any other. Both with
// mbox-to-maildir.mailsync and -n.
func TestGuideWithoutMessageID(t *testing.T) {
	noID := compose("lists", "", "no Message-ID", stdHeader("no id at all"), "\n", []byte("orphan\n"))
	noID.text = noID.text[len("Message-ID: \n"):]
	noID.hdrEnd -= len("Message-ID: \n")
	msgs := []*message{simple("lists", 0, "with id"), noID, simple("lists", 2, "with id too")}
	for i, m := range msgs {
		m.date = baseDate.Add(time.Duration(i+1) * dateStep)
	}
	// mailsync runs in the home directory: -f names the file there.
	for _, tc := range []struct {
		args   []string
		copied int
	}{
		{[]string{"-n", "-f", "mbox-to-maildir.mailsync", "folders"}, 2},
		{[]string{"-n", "-t", "md5", "-f", "mbox-to-maildir.mailsync", "folders"}, 3},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			h := newHome(t, "sam")
			h.mkdir(t, "Mail")
			if err := writeMbox(h.path("Mail/lists"), msgs, false); err != nil {
				t.Fatal(err)
			}
			h.mkdir(t, "Maildir/cur", "Maildir/new", "Maildir/tmp")
			h.write(t, "mbox-to-maildir.mailsync", guideConfig(t, "mbox-to-maildir.mailsync", nil))
			r := h.run(t, tc.args...)
			warned := strings.Contains(r.stdout, `lists: Warning: empty Message-ID header in message From: "alice" Subject: "no id at all"`)
			if warned != (tc.copied == 2) {
				t.Errorf("warning printed: %v; stdout:\n%s", warned, r.stdout)
			}
			got, _ := copies(r.stdout, "mboxes->maildirs")
			if r.code != 0 || got["lists"] != tc.copied {
				t.Fatalf("exit %d, %d copied, want %d; stdout:\n%s\nstderr:\n%s", r.code, got["lists"], tc.copied, r.stdout, r.stderr)
			}
			bodies := maildirBodies(t, h, "Maildir/lists")
			want := []*message{msgs[0], msgs[2]}
			if tc.copied == 3 {
				want = msgs
			}
			for _, m := range want {
				if !bodies[string(wire(m.text))] {
					t.Errorf("%q did not arrive intact", m.text[:40])
				}
			}
			if len(bodies) != len(want) {
				t.Errorf("the Maildir holds %d messages, want %d", len(bodies), len(want))
			}
			before := takeState(t, h, side{f: fmtMbox, paths: []string{"Mail", "Maildir"}})
			r = h.run(t, tc.args...)
			if got, _ := copies(r.stdout, "mboxes->maildirs"); r.code != 0 || got["lists"] != 0 {
				t.Errorf("second run: exit %d, output:\n%s", r.code, r.stdout)
			}
			for _, d := range before.diff(takeState(t, h, side{f: fmtMbox, paths: []string{"Mail", "Maildir"}})) {
				t.Errorf("the second run changed %s", d)
			}
		})
	}
}

// maildirBodies reads every message of a Maildir box (through the
// library, so without relying on Message-IDs).
func maildirBodies(t *testing.T, h *home, name string) map[string]bool {
	t.Helper()
	st := local.New(store.Env{Home: h.dir, User: h.user, Host: "migrate.test"})
	mb, err := st.Open(t.Context(), name, store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	list, err := mb.Messages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range list {
		r, err := mb.Fetch(t.Context(), m.Key)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, err = io.Copy(&b, r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[b.String()] = true
	}
	return out
}
