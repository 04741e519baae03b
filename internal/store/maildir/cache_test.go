package maildir

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/hdrcache"
)

// cachedEnv is testEnv with a header cache directory.
func cachedEnv(t *testing.T) store.Env {
	env := testEnv
	env.CacheDir = filepath.Join(t.TempDir(), "cache")
	return env
}

func openBox(t *testing.T, dir string, mode store.Mode, env store.Env) *Box {
	t.Helper()
	b, err := Open(dir, mode, env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func listing(t *testing.T, b *Box) []store.Message {
	t.Helper()
	msgs, err := b.Messages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func subjects(msgs []store.Message) []string {
	var out []string
	for _, m := range msgs {
		s, _ := header.Get(m.Header, "Subject")
		out = append(out, s)
	}
	return out
}

func cacheLen(t *testing.T, env store.Env, dir string) int {
	abs, _ := filepath.Abs(dir)
	return hdrcache.Open(filepath.Join(env.CacheDir, "maildir"), "maildir "+abs).Len()
}

// TestHeaderCache: a second session reads no message file whose unique
// name the cache knows (proved by changing a file's content under the
// same name), re-reads a file whose name's W= disagrees with the cache,
// forgets expunged messages, and a dry (read-only) session writes no
// cache.
func TestHeaderCache(t *testing.T) {
	ctx := context.Background()
	dir := newMaildir(t)
	env := cachedEnv(t)
	date := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	b := openBox(t, dir, store.ReadWrite, env)
	listing(t, b)
	for _, subj := range []string{"one", "two"} {
		raw := "Message-ID: <" + subj + "@x>\r\nSubject: " + subj + "\r\nX-Other: dropped\r\n\r\nbody\r\n"
		if err := b.Append(ctx, store.NewMessage{Flags: store.Seen, InternalDate: date, Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
			t.Fatal(err)
		}
	}
	// A message delivered by another program: no sizes in its name.
	put(t, filepath.Join(dir, "new", "1700000000.M1P1Q1.other"), "Message-ID: <three@x>\nSubject: three\n\nbody\n", date)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if n := cacheLen(t, env, dir); n != 2 {
		t.Fatalf("cache after appending 2: %d entries, want 2", n)
	}

	b = openBox(t, dir, store.ReadWrite, env)
	msgs := listing(t, b)
	// Mailbox order is delivery order: the foreign message is oldest.
	if got := strings.Join(subjects(msgs), ","); got != "three,one,two" {
		t.Fatalf("subjects %s", got)
	}
	for _, m := range msgs[1:] {
		if !m.InternalDate.Equal(date) || bytes.Contains(m.Header, []byte("X-Other")) {
			t.Fatalf("cached message: date %v, header %q", m.InternalDate, m.Header)
		}
	}
	b.Close()
	if n := cacheLen(t, env, dir); n != 3 {
		t.Fatalf("cache after a listing: %d entries, want 3", n)
	}

	// Same names, new content: the cache answers (it trusts unique names,
	// as Maildir readers do) ...
	names := files(t, dir)
	for _, n := range names {
		p := filepath.Join(dir, n)
		data, _ := os.ReadFile(p)
		os.WriteFile(p, bytes.Replace(data, []byte("Subject: t"), []byte("Subject: T"), 1), 0o600)
	}
	b = openBox(t, dir, store.ReadOnly, env)
	if got := strings.Join(subjects(listing(t, b)), ","); got != "three,one,two" {
		t.Fatalf("subjects from the cache %s", got)
	}
	b.Close()
	// ... unless the size in the name disagrees with it.
	for _, n := range names {
		if strings.Contains(n, ",W=") {
			old := filepath.Join(dir, n)
			if err := os.Rename(old, strings.Replace(old, ",W=", ",W=9", 1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	b = openBox(t, dir, store.ReadWrite, env)
	msgs = listing(t, b)
	if got := strings.Join(subjects(msgs), ","); got != "three,one,Two" {
		t.Fatalf("subjects after renames %s", got)
	}
	if err := b.MarkDeleted(ctx, []uint64{msgs[0].Key}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Expunge(ctx); err != nil || n != 1 {
		t.Fatalf("expunge: %d, %v", n, err)
	}
	b.Close()
	if n := cacheLen(t, env, dir); n != 2 {
		t.Fatalf("cache after expunging 1 of 3: %d entries, want 2", n)
	}

	// A read-only session lists a new message but writes no cache.
	put(t, filepath.Join(dir, "new", "1700000001.M1P1Q2.other"), "Subject: four\n\nbody\n", date)
	before := cacheFiles(t, env)
	b = openBox(t, dir, store.ReadOnly, env)
	if got := strings.Join(subjects(listing(t, b)), ","); got != "four,one,Two" {
		t.Fatalf("subjects %s", got)
	}
	b.Close()
	if after := cacheFiles(t, env); after != before {
		t.Fatal("a read-only session changed the cache")
	}
}

func cacheFiles(t *testing.T, env store.Env) string {
	var b strings.Builder
	ms, _ := filepath.Glob(filepath.Join(env.CacheDir, "maildir", "*"))
	for _, m := range ms {
		data, _ := os.ReadFile(m)
		b.WriteString(m + "\n" + string(data))
	}
	return b.String()
}

// TestHeaderCacheDamaged: a damaged cache file is no cache.
func TestHeaderCacheDamaged(t *testing.T) {
	dir := newMaildir(t)
	env := cachedEnv(t)
	date := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	put(t, filepath.Join(dir, "cur", "1700000000.M1P1Q1.x:2,S"), "Subject: a\n\n", date)
	b := openBox(t, dir, store.ReadWrite, env)
	listing(t, b)
	b.Close()
	ms, _ := filepath.Glob(filepath.Join(env.CacheDir, "maildir", "*"))
	if len(ms) != 1 {
		t.Fatalf("cache files %v", ms)
	}
	data, _ := os.ReadFile(ms[0])
	os.WriteFile(ms[0], bytes.Replace(data, []byte("Subject: a"), []byte("Subject: b"), 1), 0o600)
	b = openBox(t, dir, store.ReadOnly, env)
	if got := strings.Join(subjects(listing(t, b)), ","); got != "a" {
		t.Fatalf("subject %s, want a (from the file)", got)
	}
	b.Close()
}

// TestCloseSyncsAppends: Append leaves the directory sync to Close; a
// closed box syncs nothing more and Close can be called again.
func TestCloseSyncsAppends(t *testing.T) {
	dir := newMaildir(t)
	b := openBox(t, dir, store.ReadWrite, testEnv)
	raw := "Subject: s\r\n\r\nb\r\n"
	if err := b.Append(context.Background(), store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	b.finish() // the delivery moved into new/ (delivery.go)
	if !b.unsynced["new"] {
		t.Fatal("append into new/ left no directory to sync")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], "new/") {
		t.Fatalf("files %v", got)
	}
}
