package maildir

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
)

// TestKeywordsDovecotReads: Dovecot, handed a Maildir whose keywords this
// package wrote, shows them over IMAP; keywords Dovecot then sets and
// clears in its own Maildir read back here. So the letters and
// dovecot-keywords are Dovecot's own format both ways.
func TestKeywordsDovecotReads(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	put(t, filepath.Join(dir, "cur", "1000.M1P1.h:2,S"), "Subject: one\nMessage-ID: <1@x>\n\nbody\n", date)
	put(t, filepath.Join(dir, "cur", "1001.M1P1.h:2,"), "Subject: two\nMessage-ID: <2@x>\n\nbody\n", date)
	b := openBox(t, dir, store.ReadWrite, testEnv)
	msgs := listing(t, b)
	if err := b.SetFlags(ctx, []store.FlagChange{
		{Key: msgs[0].Key, AddKeywords: store.KeywordsOf("$Junk", "work")},
		{Key: msgs[1].Key, Add: store.Flagged, AddKeywords: "work"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	s := dovecot.Start(t, dovecot.Options{Delim: '/', Users: []dovecot.User{{Name: "reader", Password: "secret"}}})
	a := s.Account("reader")
	if err := a.ImportMaildir(dir); err != nil {
		t.Fatal(err)
	}
	cl := a.Selected(t, "INBOX")
	keywords := func() []string {
		t.Helper()
		return dovecot.FetchFlags(t, cl, 2, func(f goimap.Flag) bool { return !strings.HasPrefix(string(f), `\`) })
	}
	if got, want := keywords(), []string{"$Junk work", "work"}; !slices.Equal(got, want) {
		t.Errorf("Dovecot reads the keywords written here as %q, want %q", got, want)
	}
	// Dovecot changes them in its Maildir.
	for _, st := range []*goimap.StoreFlags{
		{Op: goimap.StoreFlagsDel, Silent: true, Flags: []goimap.Flag{"work"}},
		{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{"$Label1"}},
	} {
		if err := cl.Store(goimap.SeqSetNum(1), st, nil).Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := keywords(), []string{"$Junk $Label1", "work"}; !slices.Equal(got, want) {
		t.Fatalf("after Dovecot's STORE: %q, want %q", got, want)
	}
	if err := cl.Logout().Wait(); err != nil {
		t.Fatal(err)
	}
	back := openBox(t, filepath.Join(a.Home, "Maildir"), store.ReadOnly, testEnv)
	defer back.Close()
	msgs = listing(t, back)
	got := []store.Keywords{msgs[0].Keywords, msgs[1].Keywords}
	if want := []store.Keywords{store.KeywordsOf("$Junk", "$Label1"), "work"}; !slices.Equal(got, want) {
		t.Errorf("Dovecot's Maildir reads here as %q, want %q", got, want)
	}
}
