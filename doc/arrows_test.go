package doc

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestArrowsMatchTheCode: the "Arrows between packages" list of
// design/engine.md names, for each package it lists, exactly the
// project packages the code imports (go list), so the architecture the
// design notes show is the code's.
func TestArrowsMatchTheCode(t *testing.T) {
	text, err := os.ReadFile("design/engine.md")
	if err != nil {
		t.Fatal(err)
	}
	section, ok := strings.CutPrefix(string(text[strings.Index(string(text), "## Arrows between packages"):]), "## Arrows between packages")
	if !ok {
		t.Fatal(`design/engine.md has no "## Arrows between packages"`)
	}
	documented := map[string][]string{}
	var from string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		line = strings.TrimSpace(line)
		if left, right, ok := strings.Cut(line, "──>"); ok {
			from = strings.TrimSpace(left)
			documented[from] = nil
			line = right
		}
		if strings.Contains(line, "(nothing of the project)") {
			continue
		}
		for _, p := range strings.Split(line, ",") {
			if p = strings.TrimSpace(p); p != "" {
				documented[from] = append(documented[from], p)
			}
		}
	}
	if len(documented) < 8 {
		t.Fatalf("only %d packages read from the arrows list: %v", len(documented), documented)
	}
	const module = "github.com/mailsync/mailsync/"
	for pkg, want := range documented {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "../"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		var got []string
		for _, imp := range strings.Fields(string(out)) {
			if p, ok := strings.CutPrefix(imp, module); ok {
				got = append(got, p)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s imports %v; design/engine.md says %v", pkg, got, want)
		}
	}
}
