package migrate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guideDoc is the migration guide.
const guideDoc = "../../doc/migration.md"

// TestGuideInDoc: every example configuration of testdata/migrate is shown
// in the migration guide (doc/migration.md) exactly as the file is, with
// readmeValues put in for the placeholders: the fenced block that follows
// the first mention of "testdata/migrate/NAME" in the guide.
func TestGuideInDoc(t *testing.T) {
	data, err := os.ReadFile(guideDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !checkGuide(t, string(data)) {
		t.Fatalf(`%s is not the migration guide (no "# Migration guide" title)`, guideDoc)
	}
}

// checkGuide checks the migration guide guide; false: it is none.
func checkGuide(t *testing.T, guide string) bool {
	if !strings.HasPrefix(guide, "# Migration guide\n") {
		return false
	}
	files, err := filepath.Glob(filepath.Join(guideDir, "*.mailsync"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example configurations in %s (%v)", guideDir, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		want := string(guideConfig(t, name, readmeValues))
		at := strings.Index(guide, "testdata/migrate/"+name)
		if at < 0 {
			t.Errorf("the migration guide does not mention testdata/migrate/%s", name)
			continue
		}
		block, ok := nextFence(guide[at:])
		if !ok {
			t.Errorf("no fenced block after the mention of %s", name)
			continue
		}
		if block != want {
			t.Errorf("the guide's block for %s differs from the file:\n--- guide\n%s--- file (guide values)\n%s", name, block, want)
		}
	}
	return true
}

// nextFence returns the contents of the first fenced code block in s.
func nextFence(s string) (string, bool) {
	open := strings.Index(s, "\n```")
	if open < 0 {
		return "", false
	}
	s = s[open+1:]
	nl := strings.IndexByte(s, '\n')
	if nl < 0 {
		return "", false
	}
	s = s[nl+1:]
	end := strings.Index(s, "```\n")
	if end < 0 || (end > 0 && s[end-1] != '\n') {
		return "", false
	}
	return s[:end], true
}
