package migrate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuideInREADME: every example configuration of testdata/migrate is
// shown in the README's migration guide exactly as the file is, with
// readmeValues put in for the placeholders: the fenced block that follows
// the first mention of "testdata/migrate/NAME" in the section.
func TestGuideInREADME(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !checkGuide(t, string(data)) {
		t.Fatal(`README.md has no "## Migration guide" section`)
	}
}

// checkGuide checks the migration guide of a README; false: it has none.
func checkGuide(t *testing.T, readme string) bool {
	start := strings.Index(readme, "\n## Migration guide\n")
	if start < 0 {
		return false
	}
	section := readme[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end+1]
	}
	files, err := filepath.Glob(filepath.Join(guideDir, "*.mailsync"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example configurations in %s (%v)", guideDir, err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		want := string(guideConfig(t, name, readmeValues))
		at := strings.Index(section, "testdata/migrate/"+name)
		if at < 0 {
			t.Errorf("the migration guide does not mention testdata/migrate/%s", name)
			continue
		}
		block, ok := nextFence(section[at:])
		if !ok {
			t.Errorf("no fenced block after the mention of %s", name)
			continue
		}
		if block != want {
			t.Errorf("the README's block for %s differs from the file:\n--- README\n%s--- file (README values)\n%s", name, block, want)
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
