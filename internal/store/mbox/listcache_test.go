package mbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/header"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/filesig"
)

const cacheFile = "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nStatus: RO\nX-Status: F\nMessage-ID: <m1@x>\nX-Other: x\n\nbody\n\n" +
	"From a@b Tue Jan  2 03:04:05 2024 +0200\nSubject: two\nFrom: Alice <a@b>\n\nbody two\n"

// cacheEnv is env with a cache directory and a clock an hour ahead: the
// scans of the test count as taken long after the test wrote its files
// (see filesig.RacyWindow).
func cacheEnv(t *testing.T) store.Env {
	e := env()
	e.Now = func() time.Time { return time.Now().Add(time.Hour) }
	e.CacheDir = filepath.Join(t.TempDir(), "cache")
	return e
}

// listed opens path in mode and lists it.
func listed(t *testing.T, path string, mode store.Mode, e store.Env) []store.Message {
	t.Helper()
	b, err := Open(path, mode, e)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	msgs, err := b.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		msgs[i].Header = bytes.Clone(msgs[i].Header)
	}
	return msgs
}

func sameAsScan(t *testing.T, got, want []store.Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		_, gz := g.InternalDate.Zone()
		_, wz := w.InternalDate.Zone()
		if g.Key != w.Key || g.Size != w.Size || g.Flags != w.Flags || g.Keywords != w.Keywords || !g.InternalDate.Equal(w.InternalDate) || gz != wz {
			t.Errorf("message %d: %+v, want %+v", i, g, w)
		}
		for _, f := range store.HeaderFields() {
			gv, _ := header.Get(g.Header, f)
			wv, _ := header.Get(w.Header, f)
			if gv != wv {
				t.Errorf("message %d: %s %q, want %q", i, f, gv, wv)
			}
		}
	}
}

// TestListCache: a read-write session's first scan is cached and used
// while the file is unchanged (proved by a cache whose headers were
// changed); any change to the file (an append by another program, a
// utime that leaves the size alone) makes the next session scan again;
// read-only sessions use the cache but write none.
func TestListCache(t *testing.T) {
	t.Parallel() // the clock is the Env's, no global
	path := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(path, []byte(cacheFile), 0o600); err != nil {
		t.Fatal(err)
	}
	e := cacheEnv(t)
	ro := listed(t, path, store.ReadOnly, e)
	if _, err := os.Stat(filepath.Join(e.CacheDir, "mbox")); !os.IsNotExist(err) {
		t.Fatalf("a read-only session wrote a cache: %v", err)
	}
	scan := listed(t, path, store.ReadWrite, e)
	sameAsScan(t, scan, ro)
	cached := listed(t, path, store.ReadWrite, e)
	sameAsScan(t, cached, scan)
	if bytes.Contains(cached[0].Header, []byte("X-Other")) {
		t.Errorf("cached header %q keeps fields the store does not promise", cached[0].Header)
	}

	// Forge the cache for the unchanged file: the listing follows it.
	fi, _ := os.Stat(path)
	sig, _ := filesig.Of(fi)
	lw := newListWriter(e, path, sig, nil)
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	err = b.rescan(func(sc *scanned) error {
		sc.header = bytes.ReplaceAll(sc.header, []byte("Subject: one"), []byte("Subject: forged"))
		lw.add(sc)
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	lw.commit()
	if got := subjectsOf(listed(t, path, store.ReadOnly, e)); got != "forged,two" {
		t.Fatalf("subjects %s: the cache was not used", got)
	}

	// Another program appends: scanned again (and cached again).
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("\nFrom c@d Wed Jan  3 01:02:00 2024\nSubject: three\n\nx\n")
	f.Close()
	if got := subjectsOf(listed(t, path, store.ReadWrite, e)); got != "one,two,three" {
		t.Fatalf("subjects after an append %s", got)
	}
	// Same size, same mtime, new content: the change time gives it away.
	data, _ := os.ReadFile(path)
	fi, _ = os.Stat(path)
	os.WriteFile(path, bytes.Replace(data, []byte("Subject: two"), []byte("Subject: TWO"), 1), 0o600)
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if got := subjectsOf(listed(t, path, store.ReadWrite, e)); got != "one,TWO,three" {
		t.Fatalf("subjects after an in-place change %s", got)
	}
}

// TestListCacheRacy: a scan of a file changed within filesig.RacyWindow
// is cached as a guide only (a second change in the same second of a
// coarse clock would leave the file's times as they were): the next
// session reads the file.
func TestListCacheRacy(t *testing.T) {
	t.Parallel() // the clock is the Env's, no global
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte(cacheFile), 0o600)
	e := cacheEnv(t)
	e.Now = time.Now // the file was written just now
	listed(t, path, store.ReadWrite, e)
	if exactCache(t, e, path) {
		t.Fatal("a scan of a file written just now was cached for exact use")
	}
	e.Now = func() time.Time { return time.Now().Add(filesig.RacyWindow + time.Second) }
	listed(t, path, store.ReadWrite, e)
	if !exactCache(t, e, path) {
		t.Fatal("a scan of a settled file was not cached")
	}
}

// exactCache reports whether the listing cache of path may be used for
// the file as it is, without reading it.
func exactCache(t *testing.T, e store.Env, path string) bool {
	t.Helper()
	sig, err := filesig.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readListCache(e, path, sig, &declaration{}, func(*scanned) error { return nil })
	return err == nil
}

// TestListCacheOwnChanges: a session that appended keeps the cache of its
// first scan for the file as scanned: a guide for the next session,
// which reads the file again and sees the append.
func TestListCacheOwnChanges(t *testing.T) {
	t.Parallel() // the clock is the Env's, no global
	path := filepath.Join(t.TempDir(), "box")
	os.WriteFile(path, []byte(cacheFile), 0o600)
	e := cacheEnv(t)
	b, err := Open(path, store.ReadWrite, e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Messages(ctx); err != nil {
		t.Fatal(err)
	}
	raw := "Subject: new\r\n\r\nx\r\n"
	if err := b.Append(ctx, store.NewMessage{InternalDate: time.Date(2024, 5, 5, 0, 0, 0, 0, time.UTC), Size: int64(len(raw)), Body: strings.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if exactCache(t, e, path) {
		t.Fatal("the cache of the scan before an append is taken for the file after it")
	}
	if got := subjectsOf(listed(t, path, store.ReadWrite, e)); got != "one,two,new" {
		t.Fatalf("subjects %s", got)
	}
}

func subjectsOf(msgs []store.Message) string {
	var s []string
	for _, m := range msgs {
		v, _ := header.Get(m.Header, "Subject")
		s = append(s, v)
	}
	return strings.Join(s, ",")
}
