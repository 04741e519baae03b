package bench

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFillMaildirReadsBack(t *testing.T) {
	mails, err := GenerateMails(40, 11)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "box")
	if err := FillMaildir(dir, mails, Account{}); err != nil {
		t.Fatal(err)
	}
	m, err := ScanMaildir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	flags := map[string]string{}
	for _, x := range mails {
		want = append(want, x.ID)
		flags[string(x.Raw)] = x.Flags
	}
	if got := slices.Sorted(slices.Values(m.IDs)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("ScanMaildir found %d ids, want the %d written", len(got), len(want))
	}
	if m.Trashed != 0 {
		t.Errorf("%d trashed messages, want 0", m.Trashed)
	}
	if entries, err := os.ReadDir(filepath.Join(dir, "new")); err != nil || len(entries) != 0 {
		t.Errorf("new/ holds %d entries (%v), want none", len(entries), err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "cur"))
	if err != nil {
		t.Fatal(err)
	}
	withFlags := 0
	for _, e := range entries {
		path := filepath.Join(dir, "cur", e.Name())
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := flags[string(raw)]
		if !ok {
			t.Fatalf("%s: content is none of the messages", e.Name())
		}
		if _, info, _ := strings.Cut(e.Name(), ":2,"); info != f {
			t.Errorf("%s: flags %q, want %q", e.Name(), info, f)
		}
		if f != "" {
			withFlags++
		}
		if strings.Contains(e.Name(), ",S=") {
			t.Errorf("%s: size field in the name", e.Name())
		}
	}
	if withFlags == 0 || withFlags == len(entries) {
		t.Errorf("%d of %d messages have flags, want a mix", withFlags, len(entries))
	}
	fi, err := os.Stat(filepath.Join(dir, "cur", entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	sec, _, _ := strings.Cut(entries[0].Name(), ".")
	if got := fi.ModTime().Unix(); sec != strconv.FormatInt(got, 10) {
		t.Errorf("%s: modification time %d, want the delivery time in the name", entries[0].Name(), got)
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			t.Errorf("no %s/: %v", sub, err)
		}
	}
}
