package settled

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDigestOrderAndContent(t *testing.T) {
	a := DigestOf([]string{"<1@x>", "<2@x>", "<3@x>"})
	if b := DigestOf([]string{"<3@x>", "<1@x>", "<2@x>"}); a != b {
		t.Error("the digest depends on the order of the ids")
	}
	for _, other := range [][]string{nil, {"<1@x>", "<2@x>"}, {"<1@x>", "<2@x>", "<3@y>"}, {"<1@x><2@x>", "<3@x>"}} {
		if DigestOf(other) == a {
			t.Errorf("%q has the digest of three other ids", other)
		}
	}
	if DigestOf(nil) != DigestOf([]string{}) {
		t.Error("no ids: two digests")
	}
}

func TestBookRoundTrip(t *testing.T) {
	dir := t.TempDir()
	b := Open(dir, "ch")
	if _, ok := b.Lookup("inbox"); ok {
		t.Fatal("a new book holds inbox")
	}
	in := Entry{A: []byte("sig a"), B: []byte{}, IDs: DigestOf([]string{"<1@x>"})}
	b.Keep("inbox", in)
	b.Keep("a/b c", Entry{A: []byte{1}, B: []byte{2}})
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	b = Open(dir, "ch")
	got, ok := b.Lookup("inbox")
	if !ok || !got.Matches(in.A, in.B, in.IDs) || got.Matches(in.A, []byte{0}, in.IDs) {
		t.Fatalf("inbox: %+v %v", got, ok)
	}
	if _, ok := b.Lookup("a/b c"); !ok {
		t.Error("a/b c lost")
	}
	if _, ok := Open(dir, "other").Lookup("inbox"); ok {
		t.Error("another identity reads the book")
	}
	// Only what a run kept is saved.
	b.Keep("inbox", got)
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	b = Open(dir, "ch")
	if _, ok := b.Lookup("a/b c"); ok {
		t.Error("a box the last run did not keep is still in the book")
	}
	if _, ok := b.Lookup("inbox"); !ok {
		t.Error("inbox lost")
	}
}

func TestBookDamaged(t *testing.T) {
	dir := t.TempDir()
	b := Open(dir, "ch")
	b.Keep("inbox", Entry{A: []byte("a"), B: []byte("b")})
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x40
		os.WriteFile(files[0], bad, 0o600)
		if _, ok := Open(dir, "ch").Lookup("inbox"); ok {
			t.Fatalf("a book with byte %d changed is used", i)
		}
	}
	os.WriteFile(files[0], data[:len(data)-1], 0o600)
	if _, ok := Open(dir, "ch").Lookup("inbox"); ok {
		t.Fatal("a truncated book is used")
	}
}

func TestBookWithoutDir(t *testing.T) {
	b := Open("", "ch")
	b.Keep("inbox", Entry{})
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestSettledBAgreesWithCheck: whenever SettledB is false, Check reads
// side B or finds no match (the box is then read whole), for every
// entry, signatures and digest of a small set.
func TestSettledBAgreesWithCheck(t *testing.T) {
	sigs := [][]byte{nil, []byte("x"), []byte("y")}
	digests := []Digest{DigestOf([]string{"<1@x>"}), DigestOf([]string{"<2@x>"})}
	for _, ea := range sigs {
		for _, eb := range sigs {
			for _, eid := range digests {
				e := Entry{A: ea, B: eb, IDs: eid}
				for _, a := range sigs {
					for _, b := range sigs {
						for _, ids := range digests {
							if e.SettledB(b, ids) {
								continue
							}
							if read, ok := e.Check(a, b, ids); ok && read != 1 {
								t.Errorf("entry %+v, a %q b %q: SettledB false but Check reads %d, matching", e, a, b, read)
							}
						}
					}
				}
			}
		}
	}
}
