package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scriptDir holds the CLI golden scripts (TestScripts).
const scriptDir = "../../testdata/script"

// Every script says where its expectations come from, in its leading
// comment (doc/design/testing.md, "Where expectations come from"):
//
//	# expect: 5.2.7   output recorded from mailsync 5.2.7 (or derived from
//	                  such output, or mixed with it): never rewritten
//	# expect: ours    output of our own additions (in-process servers,
//	                  Maildir listings, ...): MAILSYNC_UPDATE_SCRIPTS=1
//	                  may rewrite its failing cmp files
const (
	origin527  = "# expect: 5.2.7"
	originOurs = "# expect: ours"
)

// scriptOrigins reads the origin line of every script in dir and returns
// the scripts whose expectations are our own and those from 5.2.7. A
// script that carries no origin line, or both, counts as from 5.2.7 (it
// must never be rewritten by mistake) and is listed in bad.
func scriptOrigins(dir string) (ours, from527, bad []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read scripts: %w", err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".txtar") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read script: %w", err)
		}
		is527, isOurs := false, false
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "-- ") {
				break // the comment ends where the first file begins
			}
			is527 = is527 || line == origin527
			isOurs = isOurs || line == originOurs
		}
		switch {
		case isOurs && !is527:
			ours = append(ours, path)
		case is527 && !isOurs:
			from527 = append(from527, path)
		default:
			from527 = append(from527, path)
			bad = append(bad, e.Name())
		}
	}
	return ours, from527, bad, nil
}

// TestScriptOrigins: every script declares exactly one origin.
func TestScriptOrigins(t *testing.T) {
	ours, from527, bad, err := scriptOrigins(scriptDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("scripts without exactly one of the lines %q and %q in their leading comment: %v", origin527, originOurs, bad)
	}
	if len(ours) == 0 || len(from527) == 0 {
		t.Errorf("%d scripts of our own and %d from 5.2.7: the origin lines were not read", len(ours), len(from527))
	}
}

// TestScriptOriginsRefuse: the scripts from 5.2.7 are run without
// UpdateScripts even when MAILSYNC_UPDATE_SCRIPTS=1 asks for it; the
// others get what was asked.
func TestScriptOriginsRefuse(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.txtar": origin527 + "\n# x\n-- f --\n",
		"b.txtar": "# x\n" + originOurs + "\n-- f --\n",
		"c.txtar": "# none\n-- f --\n" + originOurs + "\n",
		"d.txtar": origin527 + "\n" + originOurs + "\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ours, from527, bad, err := scriptOrigins(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := func(paths []string) []string {
		var out []string
		for _, p := range paths {
			out = append(out, filepath.Base(p))
		}
		slices.Sort(out)
		return out
	}
	if got := base(ours); !slices.Equal(got, []string{"b.txtar"}) {
		t.Errorf("ours = %v", got)
	}
	if got := base(from527); !slices.Equal(got, []string{"a.txtar", "c.txtar", "d.txtar"}) {
		t.Errorf("from 5.2.7 = %v", got)
	}
	if !slices.Equal(bad, []string{"c.txtar", "d.txtar"}) {
		t.Errorf("bad = %v", bad)
	}
	for _, update := range []bool{false, true} {
		if p := scriptParams(from527, false, update); p.UpdateScripts {
			t.Errorf("update=%v: the scripts from 5.2.7 run with UpdateScripts", update)
		}
		if p := scriptParams(ours, true, update); p.UpdateScripts != update {
			t.Errorf("update=%v: the scripts of our own run with UpdateScripts=%v", update, p.UpdateScripts)
		}
	}
}
