package mbox

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestUnfinishedAppendCut: a mailsync killed while appending leaves its
// dotlock naming the size before the append; the next Open takes the
// stale lock over, cuts the unfinished message off and says so. A stale
// lock without that line (another program's) changes nothing.
func TestUnfinishedAppendCut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "box")
	whole := "From a@b Mon Jan  1 10:00:00 2024\nMessage-ID: <1@x>\n\nbody\n\n"
	torn := "From mailsync@vm Mon Jan  1 10:00:00 2024\nStatus: \nMessage-ID: <2@x>\n\nhalf of a bo"
	for _, c := range []struct {
		name, lock string
		want       string
		note       bool
	}{
		{"journaled", "2147483646\nappend-from 59\n", whole, true},
		{"foreign", "2147483646\n", whole + torn, false},
		{"live append past the end", "2147483646\nappend-from 999\n", whole + torn, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(whole) != 59 {
				t.Fatalf("fixture: %d bytes", len(whole))
			}
			os.WriteFile(path, []byte(whole+torn), 0o600)
			os.WriteFile(path+".lock", []byte(c.lock), 0o600)
			b, notes := openNoting(t, path)
			b.Close()
			got, _ := os.ReadFile(path)
			if string(got) != c.want {
				t.Errorf("file = %q, want %q", got, c.want)
			}
			cut := store.UnfinishedCut{Path: path, Bytes: int64(len(torn))}
			if has := slices.Contains(*notes, store.Note(cut)); has != c.note {
				t.Errorf("notes = %+v, want %v: %v", *notes, cut, c.note)
			}
		})
	}
}

// openNoting opens path read-write with an Env that collects the notes
// the store tells (a stale lock taken over, work a killed run left).
func openNoting(t *testing.T, path string) (*Box, *[]store.Note) {
	t.Helper()
	var notes []store.Note
	e := env()
	e.Notes = func(n store.Note) { notes = append(notes, n) }
	b, err := Open(path, store.ReadWrite, e)
	if err != nil {
		t.Fatal(err)
	}
	return b, &notes
}
