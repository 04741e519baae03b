package imap_test

import (
	"os"
	"path"
	"slices"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
	"github.com/mailsync/mailsync/internal/store"
)

// keyFlags is a listing reduced to what the flag cache serves.
type keyFlags struct {
	key      uint64
	flags    store.Flags
	keywords store.Keywords
}

func reduce(msgs []store.Message) []keyFlags {
	var out []keyFlags
	for _, m := range msgs {
		out = append(out, keyFlags{m.Key, m.Flags, m.Keywords})
	}
	return out
}

// TestFlagsListedSince: a folder listed again with its caches filled asks
// the server only for the flags changed since the last listing (CONDSTORE
// CHANGEDSINCE, with the UIDs by ESEARCH), and the listing is the one a
// store without caches reads: flags changed by another client, a message
// expunged, one appended, one whose flags our own session changed after
// its listing; keywords too, those of unchanged messages from the cache.
// A damaged flag cache only costs the whole flags listing.
func TestFlagsListedSince(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	names := fillFolders(t, d, 1, 200)
	name := names[0]
	cacheDir := t.TempDir()
	ctx := t.Context()
	// One relay: the server's address is part of the caches' identity.
	r := startRelay(t, d.Addr(), 5*time.Millisecond)
	list := func(change func(store.Mailbox, []store.Message)) ([]store.Message, netrelay.Stats) {
		t.Helper()
		st := dialVia(t, r, d, cacheDir, "")
		defer st.Close()
		if _, err := st.List(ctx, "", path.Dir(name)+"/*"); err != nil {
			t.Fatal(err)
		}
		before := r.Stats()
		mb, msgs := openListed(t, st, name, store.ReadWrite)
		defer mb.Close()
		used := r.Stats().Sub(before)
		if change != nil {
			change(mb, msgs)
		}
		return msgs, used
	}
	truth := func() []keyFlags {
		t.Helper()
		st := dovecotStore(t, d, "/notls", false, "")
		defer st.Close()
		mb, msgs := openListed(t, st, name, store.ReadOnly)
		defer mb.Close()
		return reduce(msgs)
	}
	// The first listing fills the caches; our session then flags two
	// messages after listing them.
	_, whole := list(func(mb store.Mailbox, msgs []store.Message) {
		err := mb.(store.FlagSetter).SetFlags(ctx, []store.FlagChange{
			{Key: msgs[3].Key, Add: store.Flagged}, {Key: msgs[4].Key, Add: store.Seen | store.Answered},
			{Key: msgs[5].Key, AddKeywords: "$Junk"}, {Key: msgs[6].Key, AddKeywords: store.KeywordsOf("work", "Later")},
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	// Another client changes flags, expunges one and appends one.
	other := dovecotStore(t, d, "/notls", false, "")
	mb, err := other.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := mb.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := mb.(store.FlagSetter).SetFlags(ctx, []store.FlagChange{
		{Key: msgs[10].Key, Add: store.Seen}, {Key: msgs[4].Key, Remove: store.Seen}, {Key: msgs[150].Key, Add: store.Draft},
		{Key: msgs[5].Key, RemoveKeywords: "$Junk", AddKeywords: "x"}, {Key: msgs[100].Key, AddKeywords: "$Label1"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := mb.MarkDeleted(ctx, []uint64{msgs[20].Key}); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	appendMsg(t, mb, "<new@x>", "new", time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC))
	mb.Close()
	other.Close()
	time.Sleep(10 * time.Millisecond)
	got, since := list(nil)
	if want := truth(); !slices.Equal(reduce(got), want) {
		t.Errorf("listed with the flag cache:\n%v\nwant, as read without caches:\n%v", reduce(got), want)
	}
	// Listed again with nothing changed: every message's flags and
	// keywords come from the flag cache the last listing wrote.
	if again, _ := list(nil); !slices.Equal(reduce(again), reduce(got)) {
		t.Errorf("listed again from the flag cache:\n%v\nwant:\n%v", reduce(again), reduce(got))
	}
	// A damaged flag cache is no cache.
	files, _ := os.ReadDir(cacheDir)
	for _, f := range files {
		p := cacheDir + "/" + f.Name()
		if b, err := os.ReadFile(p); err == nil && len(b) < 2000 {
			b[len(b)/2] ^= 0xff
			os.WriteFile(p, b, 0o600)
		}
	}
	got, flagsOnly := list(nil)
	if want := truth(); !slices.Equal(reduce(got), want) {
		t.Errorf("listed with a damaged flag cache:\n%v\nwant:\n%v", reduce(got), want)
	}
	t.Logf("200 messages listed: %d bytes down without caches, %d with the header cache, %d with the flag cache too",
		whole.BytesDown, flagsOnly.BytesDown, since.BytesDown)
	if since.BytesDown*4 > flagsOnly.BytesDown {
		t.Errorf("listed with the flag cache: %d bytes down, with the header cache only %d: the flags were not listed since the last listing",
			since.BytesDown, flagsOnly.BytesDown)
	}
}

// openListed opens name on st and lists it.
func openListed(t *testing.T, st store.Store, name string, mode store.Mode) (store.Mailbox, []store.Message) {
	t.Helper()
	mb, err := st.Open(t.Context(), name, mode)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := mb.Messages(t.Context())
	if err != nil {
		mb.Close()
		t.Fatal(err)
	}
	return mb, msgs
}
