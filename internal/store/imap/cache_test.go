package imap_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// cacheEnv is an in-process server and a header cache directory.
type cacheEnv struct {
	m   *memServer
	dir string
}

func newCacheEnv(t *testing.T) *cacheEnv {
	t.Helper()
	return &cacheEnv{m: startMemServer(t, false), dir: t.TempDir()}
}

// open dials a fresh store (cache on unless noCache) and opens box.
func (e *cacheEnv) open(t *testing.T, box string, mode store.Mode, noCache bool) store.Mailbox {
	t.Helper()
	opt := imap.Options{CacheDir: e.dir}
	if noCache {
		opt.CacheDir = ""
	}
	st, err := e.m.dial(t, "", opt)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(t.Context(), box, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close() })
	return mb
}

var (
	headerCommand = regexp.MustCompile(`(?m)^\S+ UID FETCH .*HEADER\.FIELDS`)
	headerAnswer  = regexp.MustCompile(`(?m)^\* \d+ FETCH .*BODY\[HEADER\.FIELDS`)
)

// list runs Messages and counts the headers the server sent for it; more
// than one command for them is an error.
func (e *cacheEnv) list(t *testing.T, mb store.Mailbox) (msgs []store.Message, headers int) {
	t.Helper()
	before := len(e.m.serverTrace())
	msgs, err := mb.Messages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	trace := e.m.serverTrace()[before:]
	if n := len(headerCommand.FindAllString(trace, -1)); n > 1 {
		t.Errorf("%d commands fetched headers, want at most 1", n)
	}
	return msgs, len(headerAnswer.FindAllString(trace, -1))
}

// fill creates box and appends n messages dated in zone.
func (e *cacheEnv) fill(t *testing.T, box string, n int, zone *time.Location) {
	t.Helper()
	st, err := e.m.dial(t, "", imap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Create(t.Context(), box); err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(t.Context(), box, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	for i := range n {
		appendMsg(t, mb, fmt.Sprintf("<%s-%d@x>", box, i), strings.Repeat("body ", i), time.Date(2020, 1, 2, 3, 4, i, 0, zone))
	}
}

func appendMsg(t *testing.T, mb store.Mailbox, id, body string, date time.Time) {
	t.Helper()
	raw := fmt.Sprintf("Message-ID: %s\r\nSubject: s %s\r\nX-Other: no\r\n\r\n%s\r\n", id, id, body)
	if err := mb.Append(t.Context(), store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: date}); err != nil {
		t.Fatal(err)
	}
}

// sameListing compares two listings field by field, zones included.
func sameListing(t *testing.T, got, want []store.Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		_, gz := g.InternalDate.Zone()
		_, wz := w.InternalDate.Zone()
		if g.Key != w.Key || g.Size != w.Size || g.Flags != w.Flags || !g.InternalDate.Equal(w.InternalDate) || gz != wz || !bytes.Equal(g.Header, w.Header) {
			t.Errorf("message %d:\n got %d %d %v %v %q\nwant %d %d %v %v %q", i,
				g.Key, g.Size, g.Flags, g.InternalDate, g.Header, w.Key, w.Size, w.Flags, w.InternalDate, w.Header)
		}
	}
}

// TestHeaderCacheHit: the first listing fills the cache, the next one in
// a new session fetches no header and lists the same.
func TestHeaderCacheHit(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 5, time.UTC)
	first, n := e.list(t, e.open(t, "box", store.ReadWrite, false))
	if n != 5 {
		t.Errorf("first listing: %d headers fetched, want 5", n)
	}
	second, n := e.list(t, e.open(t, "box", store.ReadWrite, false))
	if n != 0 {
		t.Errorf("second listing: %d headers fetched, want 0 (all cached)", n)
	}
	sameListing(t, second, first)
	fresh, _ := e.list(t, e.open(t, "box", store.ReadOnly, true))
	sameListing(t, second, fresh)

	// A message added since is fetched alone; the others come from the cache.
	mb := e.open(t, "box", store.ReadWrite, false)
	appendMsg(t, mb, "<new@x>", "new", time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC))
	third, n := e.list(t, mb)
	if n != 1 || len(third) != 6 || !strings.Contains(string(third[5].Header), "<new@x>") {
		t.Errorf("after an append: %d headers fetched, %d messages", n, len(third))
	}
	fresh, _ = e.list(t, e.open(t, "box", store.ReadOnly, true))
	sameListing(t, third, fresh)
}

// TestHeaderCacheReadOnly: a read-only session reads the cache but never
// writes it.
func TestHeaderCacheReadOnly(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 3, time.UTC)
	e.list(t, e.open(t, "box", store.ReadOnly, false))
	if files, _ := os.ReadDir(e.dir); len(files) != 0 {
		t.Fatalf("a read-only listing wrote %d files", len(files))
	}
	e.list(t, e.open(t, "box", store.ReadWrite, false))
	if _, n := e.list(t, e.open(t, "box", store.ReadOnly, false)); n != 0 {
		t.Errorf("read-only listing after a read-write one: %d headers fetched, want 0", n)
	}
}

// TestHeaderCacheNewUIDValidity: a folder deleted and created again
// reuses UIDs under a new UIDVALIDITY; the old cache must not answer.
func TestHeaderCacheNewUIDValidity(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 3, time.UTC)
	old, _ := e.list(t, e.open(t, "box", store.ReadWrite, false))
	st, err := e.m.dial(t, "", imap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(t.Context(), "box"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	e.fill(t, "box", 0, time.UTC)
	mb := e.open(t, "box", store.ReadWrite, false)
	for i := range 3 {
		appendMsg(t, mb, fmt.Sprintf("<other-%d@x>", i), "other", time.Date(2022, 1, 1, 0, 0, i, 0, time.UTC))
	}
	got, n := e.list(t, mb)
	if n == 0 {
		t.Error("no header fetched after the UIDVALIDITY changed")
	}
	for i, m := range got {
		if m.Key != old[i].Key {
			t.Fatalf("UID %d, want the old UIDs reused (%d) for this test", m.Key, old[i].Key)
		}
		if !strings.Contains(string(m.Header), "<other-") {
			t.Errorf("UID %d: header %q from the old folder", m.Key, m.Header)
		}
	}
}

// TestHeaderCacheExpunged: an expunged message is not listed from the
// cache, and flags come from the server, not the cache.
func TestHeaderCacheExpunged(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 4, time.UTC)
	before, _ := e.list(t, e.open(t, "box", store.ReadWrite, false))

	mb := e.open(t, "box", store.ReadWrite, true)
	ctx := t.Context()
	if err := mb.MarkDeleted(ctx, []uint64{before[1].Key}); err != nil {
		t.Fatal(err)
	}
	if n, err := mb.Expunge(ctx); n != 1 || err != nil {
		t.Fatalf("Expunge = %d, %v", n, err)
	}
	if err := mb.MarkDeleted(ctx, []uint64{before[2].Key}); err != nil {
		t.Fatal(err)
	}
	mb.Close()
	setFlags(t, e.m, "box", before[3].Key, goimap.FlagSeen, goimap.FlagFlagged)

	got, n := e.list(t, e.open(t, "box", store.ReadWrite, false))
	if n != 0 {
		t.Errorf("%d headers fetched, want 0", n)
	}
	if len(got) != 3 || got[0].Key != before[0].Key || got[1].Key != before[2].Key || got[2].Key != before[3].Key {
		t.Fatalf("listed %v, want UIDs %d %d %d", keysOf(got), before[0].Key, before[2].Key, before[3].Key)
	}
	if got[1].Flags&store.Deleted == 0 {
		t.Errorf("flags %v of a message flagged deleted since: the cache answered", got[1].Flags)
	}
	if want := store.Seen | store.Flagged; got[2].Flags&want != want {
		t.Errorf("flags %v, want Seen and Flagged set by another client", got[2].Flags)
	}
	fresh, _ := e.list(t, e.open(t, "box", store.ReadOnly, true))
	sameListing(t, got, fresh)
}

// TestHeaderCacheVanished: a message expunged by another client between
// the flags listing and the fetch of its header is not listed, and the
// others still are.
func TestHeaderCacheVanished(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 3, time.UTC)
	e.list(t, e.open(t, "box", store.ReadWrite, false))
	mb := e.open(t, "box", store.ReadWrite, false)
	appendMsg(t, mb, "<late@x>", "late", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
	var once sync.Once
	e.m.setHook(func(s string) {
		if strings.Contains(s, "UID FETCH 4 (") { // the header of the new message
			once.Do(func() { expunge(t, e.m, "box", 4) })
		}
	})
	got, err := mb.Messages(t.Context())
	e.m.setHook(nil)
	if err != nil {
		t.Fatal(err)
	}
	var ran bool
	once.Do(func() { ran = true })
	if ran {
		t.Fatal("the header of the new message was never fetched alone")
	}
	if len(got) != 3 {
		t.Fatalf("listed UIDs %v, want 1 2 3", keysOf(got))
	}
	for _, m := range got {
		if m.Header == nil || m.Size == 0 {
			t.Errorf("UID %d listed without header or size", m.Key)
		}
	}
}

// other logs a second client in and selects box.
func other(t *testing.T, m *memServer, box string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(m.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(testUser, testPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(box, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// setFlags sets flags on one message from a session of another client.
func setFlags(t *testing.T, m *memServer, box string, uid uint64, flags ...goimap.Flag) {
	t.Helper()
	c := other(t, m, box)
	defer c.Close()
	err := c.Store(goimap.UIDSetNum(goimap.UID(uid)), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
	if err != nil {
		t.Fatal(err)
	}
}

// expunge removes one message from a session of another client.
func expunge(t *testing.T, m *memServer, box string, uid uint64) {
	t.Helper()
	setFlags(t, m, box, uid, goimap.FlagDeleted)
	c := other(t, m, box)
	defer c.Close()
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
}

func keysOf(msgs []store.Message) []uint64 {
	var out []uint64
	for _, m := range msgs {
		out = append(out, m.Key)
	}
	return out
}

// TestHeaderCacheDamaged: a cache file cut short, with a flipped byte or
// replaced by garbage gives the right listing all the same.
func TestHeaderCacheDamaged(t *testing.T) {
	for _, damage := range []struct {
		name string
		f    func([]byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"flipped", func(b []byte) []byte { b[len(b)-20] ^= 0x55; return b }},
		{"garbage", func([]byte) []byte { return []byte("not a cache\n") }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(damage.name, func(t *testing.T) {
			e := newCacheEnv(t)
			e.fill(t, "box", 4, time.UTC)
			want, _ := e.list(t, e.open(t, "box", store.ReadWrite, false))
			files, _ := os.ReadDir(e.dir)
			if len(files) != 1 {
				t.Fatalf("%d cache files, want 1", len(files))
			}
			path := filepath.Join(e.dir, files[0].Name())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, damage.f(data), 0o600); err != nil {
				t.Fatal(err)
			}
			got, n := e.list(t, e.open(t, "box", store.ReadWrite, false))
			if n != 4 {
				t.Errorf("%d headers fetched with a damaged cache, want 4", n)
			}
			sameListing(t, got, want)
			if _, n := e.list(t, e.open(t, "box", store.ReadWrite, false)); n != 0 {
				t.Errorf("the damaged cache was not rewritten: %d headers fetched", n)
			}
		})
	}
}

// TestHeaderCacheZones: the cache keeps dates with their zone offset, so
// dates in any zone come from it and list as the server has them.
func TestHeaderCacheZones(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "utc", 2, time.UTC)
	e.fill(t, "east", 2, time.FixedZone("", 5*3600+30*60))
	for _, box := range []string{"utc", "east"} {
		e.list(t, e.open(t, box, store.ReadWrite, false))
		got, n := e.list(t, e.open(t, box, store.ReadWrite, false))
		fresh, _ := e.list(t, e.open(t, box, store.ReadOnly, true))
		sameListing(t, got, fresh)
		if n != 0 {
			t.Errorf("%s: %d headers fetched on the second listing, want 0", box, n)
		}
	}
}

// TestHeaderCachePerUserAndFolder: two folders with the same UIDs keep
// caches of their own.
func TestHeaderCachePerFolder(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "a", 2, time.UTC)
	e.fill(t, "b", 2, time.UTC)
	a, _ := e.list(t, e.open(t, "a", store.ReadWrite, false))
	b, _ := e.list(t, e.open(t, "b", store.ReadWrite, false))
	if a[0].Key != b[0].Key {
		t.Fatalf("UIDs %d and %d differ: the test wants them equal", a[0].Key, b[0].Key)
	}
	b2, n := e.list(t, e.open(t, "b", store.ReadWrite, false))
	if n != 0 {
		t.Errorf("%d headers fetched, want 0", n)
	}
	sameListing(t, b2, b)
	if bytes.Equal(a[0].Header, b2[0].Header) {
		t.Error("folder b listed folder a's header")
	}
}
