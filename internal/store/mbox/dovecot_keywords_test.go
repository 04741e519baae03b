package mbox

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
)

// TestKeywordsDovecotReads: Dovecot, serving an mbox whose keywords and
// flags this package wrote (declared in the pseudo message, written into
// padded X-Keywords: lines), shows them over IMAP; the keywords and flags
// Dovecot then changes in the file read back here. So a second mbox
// implementation, not ours and not c-client, agrees on what the bytes
// say (doc/design/mbox.md, "Keywords").
func TestKeywordsDovecotReads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "box")
	if err := Create(path, env()); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"Subject: one\r\nMessage-ID: <1@x>\r\n\r\nbody one\r\n", "Subject: two\r\nMessage-ID: <2@x>\r\n\r\nbody two\r\n"} {
		if err := b.Append(ctx, store.NewMessage{FlagRoom: true, Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b, _, ms := openFlagsAt(t, path)
	if err := b.SetFlags(ctx, []store.FlagChange{
		{Key: ms[0].Key, Add: store.Seen, AddKeywords: store.KeywordsOf("$Junk", "work")},
		{Key: ms[1].Key, Add: store.Flagged, AddKeywords: "work"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	s := dovecot.Start(t, dovecot.Options{Delim: '/', Mbox: true, Users: []dovecot.User{{Name: "reader", Password: "secret"}}})
	a := s.Account("reader")
	if err := a.ImportMbox(path, "box"); err != nil {
		t.Fatal(err)
	}
	cl := a.Selected(t, "box")
	flags := func() []string {
		t.Helper()
		return dovecot.FetchFlags(t, cl, 2, func(f goimap.Flag) bool { return f != `\Recent` })
	}
	if got, want := flags(), []string{`$Junk \Seen work`, `\Flagged work`}; !slices.Equal(got, want) {
		t.Fatalf("Dovecot reads the flags and keywords written here as %q, want %q", got, want)
	}
	// Dovecot changes them in the file (written at the CLOSE).
	for _, st := range []struct {
		n  uint32
		op goimap.StoreFlagsOp
		f  goimap.Flag
	}{{1, goimap.StoreFlagsDel, "work"}, {2, goimap.StoreFlagsAdd, "$Label1"}, {2, goimap.StoreFlagsDel, goimap.FlagFlagged}} {
		if err := cl.Store(goimap.SeqSetNum(st.n), &goimap.StoreFlags{Op: st.op, Silent: true, Flags: []goimap.Flag{st.f}}, nil).Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
	if err := cl.Logout().Wait(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(a.MboxPath("box"), store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.KeepsKeywords() {
		t.Fatal("the box Dovecot wrote keeps no keywords")
	}
	got, err := again.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d messages after Dovecot wrote the box, want 2", len(got))
	}
	want := []struct {
		f  store.Flags
		kw store.Keywords
	}{{store.Seen, "$Junk"}, {0, store.KeywordsOf("$Label1", "work")}}
	for i, m := range got {
		if m.Flags&store.SyncedFlags != want[i].f || m.Keywords != want[i].kw {
			t.Errorf("message %d read back as %v %q, want %v %q", i, m.Flags&store.SyncedFlags, m.Keywords, want[i].f, want[i].kw)
		}
	}
}

// openFlagsAt opens the box at path read-write and lists it.
func openFlagsAt(t *testing.T, path string) (*Box, string, []store.Message) {
	t.Helper()
	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ms, err := b.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b, path, ms
}
