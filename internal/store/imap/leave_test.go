package imap_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// TestFoldersLeftWithoutUnselect: closing a folder costs no command: the
// next SELECT closes it without expunging (RFC 3501 6.3.1), on one
// connection with one login; a \Deleted mark made in a closed folder
// stays unexpunged; a folder left selected can still be deleted (after
// an UNSELECT).
func TestFoldersLeftWithoutUnselect(t *testing.T) {
	for _, caps := range []goimap.CapSet{{goimap.CapIMAP4rev1: {}}} {
		m := startMemServerCaps(t, false, caps)
		st, err := m.dial(t, "/notls", imap.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		for _, n := range []string{"a", "b"} {
			if err := st.Create(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		mb, err := st.Open(ctx, "a", store.ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		raw := "Message-ID: <m@x>\r\nSubject: m\r\n\r\nbody\r\n"
		if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: time.Now()}); err != nil {
			t.Fatal(err)
		}
		msgs, err := mb.Messages(ctx)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("messages of a: %v, %v", msgs, err)
		}
		if err := mb.MarkDeleted(ctx, []uint64{msgs[0].Key}); err != nil {
			t.Fatal(err)
		}
		mb.Close()
		for _, n := range []string{"b", "a"} {
			mb, err := st.Open(ctx, n, store.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := mb.Messages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == "a" && (len(msgs) != 1 || msgs[0].Flags&store.Deleted == 0) {
				t.Errorf("caps %v: folder a after leaving it: %+v, want its \\Deleted message kept", caps, msgs)
			}
			mb.Close()
		}
		if err := st.Delete(ctx, "a"); err != nil {
			t.Errorf("caps %v: delete the folder left selected: %v", caps, err)
		}
		st.Close()
		tr := m.serverTrace()
		count := func(cmd string) int {
			return len(regexp.MustCompile(`(?m)^T\d+ `+cmd+`( |\r?$)`).FindAllString(tr, -1))
		}
		if n := count("(LOGIN|AUTHENTICATE)"); n != 1 {
			t.Errorf("caps %v: %d logins, want 1:\n%s", caps, n, tr)
		}
		// go-imap's server offers UNSELECT after the login whatever it
		// announced before; Courier, which lacks it, is covered by
		// internal/testservers.
		want := 0
		if strings.Contains(tr, " UNSELECT ") {
			want = 1 // before the DELETE of the folder left selected
		}
		if n := count("UNSELECT"); n != want {
			t.Errorf("caps %v: %d UNSELECT, want %d:\n%s", caps, n, want, tr)
		}
		if n := count("(EXPUNGE|CLOSE)"); n != 0 {
			t.Errorf("caps %v: a folder was expunged or CLOSEd:\n%s", caps, tr)
		}
	}
}
