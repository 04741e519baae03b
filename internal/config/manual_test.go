package config

import (
	"os"
	"strings"
	"testing"
)

// TestModernAccountsInManual: every example store of the manual's "Modern
// accounts" section (doc/manual.md) parses, and the section shows each new
// field at work.
func TestModernAccountsInManual(t *testing.T) {
	data, err := os.ReadFile("../../doc/manual.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n## Modern accounts\n")
	if start < 0 {
		t.Fatal(`doc/manual.md has no "## Modern accounts" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+4]
	}
	seen := map[string]bool{}
	blocks := strings.Split(section, "```\n")
	for i := 1; i < len(blocks); i += 2 {
		block := blocks[i]
		if !strings.HasPrefix(block, "store ") {
			continue
		}
		cfg, err := Parse(strings.NewReader(block), nil)
		if err != nil {
			t.Errorf("manual block does not parse: %v\n%s", err, block)
			continue
		}
		for _, s := range cfg.Stores {
			if s.PassCmd == "" || s.Passwd != "" {
				t.Errorf("store %s: want a passcmd and no passwd", s.Name)
			}
			seen["passcmd"] = true
			seen["authmech"] = seen["authmech"] || s.AuthMech != ""
			seen["cafile"] = seen["cafile"] || s.CAFile != ""
			if strings.Contains(s.PassCmd, "\\") {
				t.Errorf("store %s: passcmd %q keeps a backslash", s.Name, s.PassCmd)
			}
		}
	}
	for _, f := range []string{"passcmd", "authmech", "cafile"} {
		if !seen[f] {
			t.Errorf("no example store of the section uses %s", f)
		}
	}
}
