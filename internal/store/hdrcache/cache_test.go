package hdrcache

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/cachefile"
)

func entry(i int) Entry {
	return Entry{Size: int64(1000 + i), Date: time.Unix(int64(1700000000+i), 0),
		Header: []byte("Message-ID: <" + string(rune('a'+i)) + "@x>\nSubject: s\n\n")}
}

func sameEntry(t *testing.T, got Entry, ok bool, want Entry) {
	t.Helper()
	if !ok || got.Size != want.Size || !got.Date.Equal(want.Date) || !bytes.Equal(got.Header, want.Header) {
		t.Fatalf("got %+v %v, want %+v", got, ok, want)
	}
}

func TestRoundTripAndPrune(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "/home/u/Maildir")
	for i := 0; i < 3; i++ {
		c.Put(string(rune('k'+i)), entry(i))
	}
	if err := c.Save(true); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, "/home/u/Maildir")
	if c.Len() != 3 {
		t.Fatalf("loaded %d entries, want 3", c.Len())
	}
	e, ok := c.Get("k")
	sameEntry(t, e, ok, entry(0))
	if _, ok := c.Get("x"); ok {
		t.Fatal("unknown key found")
	}
	// A full listing that used only "k" keeps only "k".
	if err := c.Save(true); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, "/home/u/Maildir")
	if c.Len() != 1 {
		t.Fatalf("after pruning: %d entries, want 1", c.Len())
	}
	// A session without a full listing keeps the old entries.
	c.Put("z", entry(5))
	if err := c.Save(false); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, "/home/u/Maildir")
	e, ok = c.Get("z")
	sameEntry(t, e, ok, entry(5))
	e, ok = c.Get("k")
	sameEntry(t, e, ok, entry(0))
}

// TestZone: a date comes back with its zone offset (an IMAP INTERNALDATE's
// zone shows in mbox From_ lines).
func TestZone(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "z")
	for i, off := range []int{0, 3600, -5*3600 - 1800} {
		e := entry(i)
		e.Date = e.Date.In(time.FixedZone("", off))
		c.Put(string(rune('a'+i)), e)
	}
	if err := c.Save(true); err != nil {
		t.Fatal(err)
	}
	c = Open(dir, "z")
	for i, off := range []int{0, 3600, -5*3600 - 1800} {
		e, ok := c.Get(string(rune('a' + i)))
		_, got := e.Date.Zone()
		if !ok || got != off || !e.Date.Equal(entry(i).Date) {
			t.Errorf("entry %d: %v (offset %d), want offset %d", i, e.Date, got, off)
		}
	}
}

func TestOtherMailboxDamageAndNoDir(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir, "a")
	c.Put("k", entry(0))
	if err := c.Save(true); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if Open(dir, "b").Len() != 0 {
		t.Fatal("another mailbox's identity read this cache")
	}
	data, _ := os.ReadFile(files[0])
	for _, cut := range []int{0, 3, len(data) / 2, len(data) - 1} {
		os.WriteFile(files[0], data[:cut], 0o600)
		if n := Open(dir, "a").Len(); n != 0 {
			t.Fatalf("file cut at %d: %d entries loaded", cut, n)
		}
	}
	flipped := bytes.Clone(data)
	flipped[len(kind)+3] ^= 0x40
	os.WriteFile(files[0], flipped, 0o600)
	if n := Open(dir, "a").Len(); n != 0 {
		t.Fatalf("flipped bit: %d entries loaded", n)
	}
	// No directory: nothing is written, nothing fails.
	c = Open("", "a")
	c.Put("k", entry(0))
	if err := c.Save(true); err != nil {
		t.Fatal(err)
	}
	var nilCache *Cache
	nilCache.Put("k", entry(0))
	if _, ok := nilCache.Get("k"); ok || nilCache.Save(true) != nil {
		t.Fatal("nil cache holds something")
	}
}

func FuzzDecode(f *testing.F) {
	full := encode(map[string]*slot{"k": {Entry: entry(0)}, "l": {Entry: entry(1)}}, "id", false)
	f.Add(full[len(cachefile.New(kind, "id", 0)):])
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decode(data)
		if err != nil {
			return
		}
		// What decodes encodes to a file that decodes to the same.
		again, err := decode(encode(m, "id", false)[len(cachefile.New(kind, "id", 0)):])
		if err != nil || len(again) != len(m) {
			t.Fatalf("re-decode: %v, %d vs %d entries", err, len(again), len(m))
		}
	})
}
