package msinfo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

var (
	reCtime = regexp.MustCompile(`[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}`)
	reDate  = regexp.MustCompile(`(?m)^Date: .*$`)
	reMID   = regexp.MustCompile(`<\d+@vm>`)
	reIMAP  = regexp.MustCompile(`X-IMAP: \d{10}`)
)

// normalize blanks out what depends on the clock.
func normalize(b []byte) string {
	b = reCtime.ReplaceAll(b, []byte("CTIME"))
	b = reDate.ReplaceAll(b, []byte("Date: DATE"))
	b = reMID.ReplaceAll(b, []byte("<MID@vm>"))
	b = reIMAP.ReplaceAll(b, []byte("X-IMAP: VALIDITY"))
	return string(b)
}

func testEnv() store.Env {
	t0 := time.Date(2026, 11, 25, 22, 5, 31, 0, time.UTC)
	return store.Env{User: "cloudsdk", Host: "vm", Now: func() time.Time { return t0 }}
}

// TestSaveMatches527 replays the runs one, two, one that produced the
// fixtures run1..run3 with mailsync 5.2.7 and compares the bytes.
func TestSaveMatches527(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "msinfo")
	st := State{"inbox": {"<w1@x>"}}
	for i, ch := range []string{"one", "two", "one"} {
		f, err := OpenLocal(path, "msinfo", Options{Env: testEnv()})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Save(context.Background(), ch, st); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		want, err := os.ReadFile(filepath.Join("testdata", []string{"run1", "run2", "run3"}[i]))
		if err != nil {
			t.Fatal(err)
		}
		if normalize(got) != normalize(want) {
			t.Fatalf("run %d:\ngot:\n%s\nwant:\n%s", i+1, got, want)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", fi.Mode())
		}
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock left behind: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("stray files: %v", ents)
	}
}

func TestLoad527Fixtures(t *testing.T) {
	for _, tc := range []struct {
		file, channel string
		want          State
	}{
		{"run1", "one", State{"inbox": {"<w1@x>"}}},
		{"run1", "two", State{}},
		{"run3", "two", State{"inbox": {"<w1@x>"}}},
		{"run3", "one", State{"inbox": {"<w1@x>"}}},
	} {
		f, err := OpenLocal(filepath.Join("testdata", tc.file), "msinfo", Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Load(context.Background(), tc.channel)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s/%s: got %v want %v", tc.file, tc.channel, got, tc.want)
		}
	}
}

func TestLastEntryWinsAndForeign(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "msinfo")
	data := "From a@b Mon Jan  1 10:00:00 2024\nFrom: mailsync\nSubject: ch\n\nbox\n<old@x>\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nFrom: joe@example.org\nSubject: hello\n\nhi\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nFrom: mailsync\n\nnosubject\n\n" +
		"From a@b Mon Jan  1 10:00:00 2024\nFrom: mailsync\nSubject: ch\n\nbox\n<new@x>\n\n"
	os.WriteFile(path, []byte(data), 0o600)
	var notes []store.Note
	f, err := OpenLocal(path, "MS", Options{Env: testEnv(), Notes: func(n store.Note) { notes = append(notes, n) }})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.Load(context.Background(), "ch")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, State{"box": {"<new@x>"}}) {
		t.Errorf("got %v", got)
	}
	wantNotes := []store.Note{store.ForeignEntry{Msinfo: "MS", From: "joe"}, store.ForeignEntry{Msinfo: "MS", Incomplete: true}}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes %+v, want %+v", notes, wantNotes)
	}
	if err := f.Save(context.Background(), "ch", State{"box": {"<b@x>", "<a@x>"}}); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	if bytes.Count(out, []byte("Subject: ch\n")) != 1 || !bytes.Contains(out, []byte("Subject: hello\nX-IMAPbase: 1795644331 4\nStatus: O\n")) ||
		!bytes.HasSuffix(out, []byte("Subject: ch\n\nbox\n<a@x>\n<b@x>\n\n")) {
		t.Errorf("saved:\n%s", out)
	}
}

func TestLocking(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "msinfo")
	f, err := OpenLocal(path, "ms", Options{Env: testEnv()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenLocal(path, "ms", Options{Env: testEnv()})
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || err.Error() != "msinfo ms is locked by another mailsync (pid "+itoa(os.Getpid())+")" {
		t.Fatalf("second open: %v", err)
	}
	f.Close()
	// a lock of a dead process is taken over with a note
	os.WriteFile(path+".lock", []byte("999999999\n"), 0o600)
	var notes []store.Note
	f, err = OpenLocal(path, "ms", Options{Env: testEnv(), Notes: func(n store.Note) { notes = append(notes, n) }})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if want := (store.StaleLockTaken{Lock: path + ".lock", PID: "999999999", Msinfo: "ms"}); len(notes) != 1 || notes[0] != store.Note(want) {
		t.Errorf("notes %+v, want %+v", notes, want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestReadOnlyMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "msinfo")
	f, err := OpenLocal(path, "ms", Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Load(context.Background(), "ch")
	if err != nil || len(s) != 0 {
		t.Fatalf("%v %v", s, err)
	}
	if err := f.Save(context.Background(), "ch", s); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("save: %v", err)
	}
	f.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("created %v", ents)
	}
}
