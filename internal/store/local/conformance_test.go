package local_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
	"github.com/mailsync/mailsync/internal/store/storetest"
)

// newHome returns a Store over a fresh home directory holding an empty
// ~/mail and, for MH, ~/.mh_profile with "Path: Mail" and an empty ~/Mail.
func newHome(t *testing.T) *local.Store { return newHomeCache(t, false) }

// newHomeCache is newHome; with cache, backends keep header caches in
// ~/.cache/mailsync, as the CLI has them do.
func newHomeCache(t *testing.T, cache bool) *local.Store {
	t.Helper()
	home := t.TempDir()
	cacheDir := ""
	if cache {
		cacheDir = filepath.Join(home, ".cache", "mailsync")
	}
	for _, dir := range []string{"mail", "Mail"} {
		if err := os.Mkdir(filepath.Join(home, dir), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".mh_profile"), []byte("Path: Mail\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return local.New(store.Env{
		Home:     home,
		User:     "user",
		Host:     "host.example.org",
		Now:      aheadClock,
		CacheDir: cacheDir,
	})
}

func TestConformanceMbox(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		SignatureTick: 20 * time.Millisecond,
		New: func(t *testing.T) (store.Store, func(string) string) {
			return newHome(t), func(rel string) string { return "mail/" + rel }
		},
		Delim:            '/',
		Parents:          storetest.ParentNoSelect,
		KeepsRecent:      true,
		QuotesFrom:       true,
		AddsFinalNewline: true,
		// Its boxes are created with c-client's pseudo message, whose
		// X-IMAP: line declares keywords (mbox keywords.go).
		KeepsKeywords: true,
	})
}

func TestConformanceMH(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		SignatureTick: 20 * time.Millisecond,
		New: func(t *testing.T) (store.Store, func(string) string) {
			return newHome(t), func(rel string) string { return "#mh/" + rel }
		},
		Delim:       '/',
		Parents:     storetest.ParentMailbox,
		DropsFlags:  store.Deleted, // \Answered \Flagged \Draft: .mh_sequences
		KeepsRecent: true,
	})
}

// aheadClock is the tests' injected clock (store.Env.Now): an hour ahead,
// so that the signatures of the files a test has just written count as
// settled (filesig.RacyWindow), for the Signature checks.
func aheadClock() time.Time { return time.Now().Add(time.Hour) }
