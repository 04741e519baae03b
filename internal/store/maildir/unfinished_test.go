package maildir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// TestCreateFinishesUnfinished: Create completes what an interrupted
// Create left (internal/crashtest's TestHalfMadeMaildirFolder is the whole
// story) and refuses anything that holds more.
func TestCreateFinishesUnfinished(t *testing.T) {
	for _, c := range []struct {
		name   string
		layout map[string]string // relative path -> content; "/" suffix: a directory
		ok     bool
	}{
		{"empty", nil, true},
		{"tmp", map[string]string{"tmp/": ""}, true},
		{"tmp-new-marker", map[string]string{"tmp/": "", "new/": "", "maildirfolder": ""}, true},
		{"message in tmp", map[string]string{"tmp/": "", "tmp/123.x": "mail"}, false},
		{"other file", map[string]string{"notes": ""}, false},
		{"other directory", map[string]string{"sub/": ""}, false},
		{"marker with content", map[string]string{"maildirfolder": "x"}, false},
		{"complete", map[string]string{"tmp/": "", "new/": "", "cur/": ""}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".box")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"tmp/", "new/", "cur/", "sub/", "maildirfolder", "notes", "tmp/123.x"} {
				content, ok := c.layout[p]
				if !ok {
					continue
				}
				full := filepath.Join(dir, p)
				var err error
				if p[len(p)-1] == '/' {
					err = os.Mkdir(full, 0o700)
				} else {
					err = os.WriteFile(full, []byte(content), 0o600)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := Unfinished(dir); got != c.ok {
				t.Errorf("Unfinished = %v, want %v", got, c.ok)
			}
			err := Create(dir, true)
			switch {
			case c.ok && err != nil:
				t.Fatalf("Create: %v", err)
			case c.ok && !IsMaildir(dir):
				t.Error("Create left no Maildir")
			case !c.ok && !errors.Is(err, store.ErrExists):
				t.Errorf("Create = %v, want ErrExists", err)
			}
			if _, err := os.Stat(dir); err != nil {
				t.Errorf("the directory is gone: %v", err)
			}
		})
	}
}
