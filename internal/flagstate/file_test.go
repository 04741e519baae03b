package flagstate

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
)

var (
	stateO = msinfo.State{"inbox": {"<1@x>", "<2@x>"}, "work": {"<3@x>"}}
	recsO  = Records{"inbox": {Record(store.Seen), 0}, "work": {Record(0)}}
	stateN = msinfo.State{"inbox": {"<1@x>", "<2@x>", "<4@x>"}, "work": {"<3@x>"}, "new \"box\" é": {"<5@x>"}}
	recsN  = Records{"inbox": {Record(store.Seen | store.Flagged), Record(store.Answered), Record(store.Draft)},
		"work": {Record(store.Seen)}, "new \"box\" é": {Record(0)}}
)

// gen is the generation of state s with records r.
func gen(s msinfo.State, r Records) Generation {
	return Generation{Digest: DigestOf(s, false), State: s, Records: r}
}

// TestDigestIsBody: a state's digest is the SHA-256 of the msinfo body
// that holds it, also for a state whose ids are not in byte order.
func TestDigestIsBody(t *testing.T) {
	for _, md5 := range []bool{false, true} {
		for _, s := range []msinfo.State{stateN, {"x": {"<2@x>", "<1@x>"}, "empty": nil}, {}} {
			if DigestOf(s, md5) != Digest(sha256.Sum256(msinfo.Body(s, md5))) {
				t.Errorf("md5 %v: DigestOf(%v) is not the body's", md5, s)
			}
		}
	}
}

// TestSaveLoad: what Save writes, Load reads back for the same msinfo
// state, also once the state went through the msinfo text; for another
// state it reads none.
func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".msinfo.flags")
	if got := Load(path, "ch", DigestOf(stateN, false), stateN); got != nil {
		t.Fatalf("missing file: %v", got)
	}
	if err := Save(path, "ch", gen(stateN, recsN)); err != nil {
		t.Fatal(err)
	}
	reread := msinfo.Parse(msinfo.Body(stateN, false), false, nil)
	if got := Load(path, "ch", DigestOf(reread, false), reread); !reflect.DeepEqual(got, recsN) {
		t.Errorf("Load %v, want %v", got, recsN)
	}
	if got := Load(path, "ch", DigestOf(stateO, false), stateO); got != nil {
		t.Errorf("Load for another msinfo state %v, want none", got)
	}
	if got := Load(path, "other", DigestOf(stateN, false), stateN); got != nil {
		t.Errorf("Load for another channel %v, want none", got)
	}
	if got := Load(path, "ch", DigestOf(stateN, true), stateN); got != nil {
		t.Errorf("Load in md5 mode %v, want none (another msinfo body)", got)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", fi.Mode(), err)
	}
}

// TestTwoGenerations: while the msinfo is written, the file holds the
// records of the old and the new state: whichever is on disk finds its
// own. A later Save with one generation drops the other; the channels
// of other channels stay.
func TestTwoGenerations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.flags")
	other := Records{"inbox": {Record(store.Flagged), Record(0)}}
	if err := Save(path, "other", gen(stateO, other)); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, "ch", gen(stateN, recsN), gen(stateO, recsO)); err != nil {
		t.Fatal(err)
	}
	check := func(what, ch string, s msinfo.State, want Records) {
		t.Helper()
		if got := Load(path, ch, DigestOf(s, false), s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Load %v, want %v", what, got, want)
		}
	}
	check("new state", "ch", stateN, recsN)
	check("old state", "ch", stateO, recsO)
	check("other channel", "other", stateO, other)
	if err := Save(path, "ch", gen(stateN, recsN)); err != nil {
		t.Fatal(err)
	}
	check("new state after", "ch", stateN, recsN)
	check("old state after", "ch", stateO, nil)
	check("other channel after", "other", stateO, other)
	// Same state twice: the first generation's records win.
	if err := Save(path, "ch", gen(stateO, recsO), gen(stateO, Records{"work": {0}})); err != nil {
		t.Fatal(err)
	}
	check("same state", "ch", stateO, recsO)
}

// TestDamagedIsNone: a damaged, truncated or foreign file reads as no
// records, and Save replaces it.
func TestDamagedIsNone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.flags")
	if err := Save(path, "ch", gen(stateN, recsN)); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x20
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if got := Load(path, "ch", DigestOf(stateN, false), stateN); got != nil {
			t.Fatalf("byte %d flipped: Load %v, want none", i, got)
		}
	}
	for _, n := range []int{0, 3, len(good) / 2, len(good) - 1} {
		if err := os.WriteFile(path, good[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		if got := Load(path, "ch", DigestOf(stateN, false), stateN); got != nil {
			t.Fatalf("cut to %d bytes: Load %v, want none", n, got)
		}
	}
	if err := Save(path, "ch", gen(stateO, recsO)); err != nil {
		t.Fatal(err)
	}
	if got := Load(path, "ch", DigestOf(stateO, false), stateO); !reflect.DeepEqual(got, recsO) {
		t.Errorf("after Save over a damaged file: %v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want the flag state alone", len(entries))
	}
}

// TestMisalignedBoxes: records are kept only for boxes whose ids are in
// byte order and as many as the records.
func TestMisalignedBoxes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.flags")
	s := msinfo.State{"sorted": {"<1@x>", "<2@x>"}, "unsorted": {"<2@x>", "<1@x>"}, "short": {"<1@x>"}}
	r := Records{"sorted": {Record(0), Record(0)}, "unsorted": {Record(0), Record(0)}, "short": {Record(0), Record(0)}}
	if err := Save(path, "ch", gen(s, r)); err != nil {
		t.Fatal(err)
	}
	want := Records{"sorted": {Record(0), Record(0)}}
	if got := Load(path, "ch", DigestOf(s, false), s); !reflect.DeepEqual(got, want) {
		t.Errorf("Load %v, want %v", got, want)
	}
}

// TestRemotePath: one file per msinfo name, under flags/.
func TestRemotePath(t *testing.T) {
	a, b := RemotePath("/h/.mailsync.d", "{srv}msinfo"), RemotePath("/h/.mailsync.d", "{srv}other")
	if a == b || filepath.Dir(a) != "/h/.mailsync.d/flags" {
		t.Errorf("RemotePath: %s, %s", a, b)
	}
	if LocalPath("/h/.msinfo") != "/h/.msinfo.flags" {
		t.Errorf("LocalPath %s", LocalPath("/h/.msinfo"))
	}
}

// TestUnchangedNotWritten: a Save that changes nothing leaves the file
// alone (a no-op run costs no write).
func TestUnchangedNotWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.flags")
	if err := Save(path, "ch", gen(stateN, recsN)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := os.Chmod(filepath.Dir(path), 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Dir(path), 0o700)
	if err := Save(path, "ch", gen(stateN, recsN), gen(stateN, recsO)); err != nil {
		t.Errorf("an unchanged Save wrote: %v", err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("the file was replaced")
	}
	if os.Geteuid() != 0 {
		if err := Save(path, "ch", gen(stateO, recsO)); err == nil {
			t.Error("a changed Save into a read-only directory did not fail")
		}
	}
}

// TestForget: a channel's records go, the other channels' stay; a file
// without them is not written.
func TestForget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.flags")
	if err := Forget(path, "ch"); err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("Forget made a file")
	}
	Save(path, "ch", gen(stateN, recsN))
	Save(path, "other", gen(stateO, recsO))
	if err := Forget(path, "ch"); err != nil {
		t.Fatal(err)
	}
	if got := Load(path, "ch", DigestOf(stateN, false), stateN); got != nil {
		t.Errorf("after Forget: %v", got)
	}
	if got := Load(path, "other", DigestOf(stateO, false), stateO); !reflect.DeepEqual(got, recsO) {
		t.Errorf("other channel after Forget: %v", got)
	}
}
