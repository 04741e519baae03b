package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	bad := filepath.Join(dir, "bad")
	link := filepath.Join(dir, "link")
	fifo := filepath.Join(dir, "fifo")
	mustWrite(t, good, "store s {\n pat x\n}\n")
	mustWrite(t, bad, "store s {\n frob\n}\n")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		open       bool   // want an *OpenError
		report     string // want a *ParseError with this report
		trace      string
	}{
		{name: "regular file", path: good,
			trace: " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\tx\n\t}\n\t\n End parsing config. Config is OK\n\n"},
		{name: "symlink to a regular file", path: link,
			trace: " Parsing config...\n\n\tstore\n\ts\n\t{\n\tpat\n\tx\n\t}\n\t\n End parsing config. Config is OK\n\n"},
		{name: "parse error", path: bad,
			report: "Error: Unknown store field\n       While parsing line 2 at token \"frob\"\n       Quitting!\n",
			trace:  " Parsing config...\n\n\tstore\n\ts\n\t{\n\tfrob\n"},
		{name: "missing", path: filepath.Join(dir, "nope"), open: true},
		{name: "directory", path: dir, open: true},
		{name: "fifo", path: fifo, open: true}, // 5.2.7 refuses it, also with a writer
		{name: "device", path: os.DevNull, open: true},
		{name: "below a file", path: filepath.Join(good, "x"), open: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var trace strings.Builder
			cfg, err := Load(c.path, &trace)
			if trace.String() != c.trace {
				t.Errorf("trace = %q, want %q", trace.String(), c.trace)
			}
			var oe *OpenError
			var pe *ParseError
			switch {
			case c.open:
				if !errors.As(err, &oe) || cfg != nil {
					t.Fatalf("Load() = %v, %v; want an *OpenError", cfg, err)
				}
				if want := "Error: Can't open config file " + c.path + "\n"; report(oe) != want {
					t.Errorf("printed %q, want %q", report(oe), want)
				}
			case c.report != "":
				if !errors.As(err, &pe) || cfg != nil {
					t.Fatalf("Load() = %v, %v; want a *ParseError", cfg, err)
				}
				if report(pe) != c.report {
					t.Errorf("printed %q, want %q", report(pe), c.report)
				}
			default:
				if err != nil || cfg.Stores["s"] == nil || cfg.Stores["s"].Pat != "x" {
					t.Fatalf("Load() = %+v, %v; want store s with pat x", cfg, err)
				}
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any file")
	}
	p := filepath.Join(t.TempDir(), "secret")
	mustWrite(t, p, "store s { }\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p, nil)
	var oe *OpenError
	if !errors.As(err, &oe) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Load() error = %v, want an *OpenError for a permission failure", err)
	}
}

// TestLoadReadError reads /proc/self/mem, a regular file whose first page
// cannot be read: the failure must be an *OpenError, not a parse result.
func TestLoadReadError(t *testing.T) {
	const p = "/proc/self/mem"
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		t.Skipf("%s is not available as a regular file", p)
	}
	var trace strings.Builder
	_, err = Load(p, &trace)
	var oe *OpenError
	if !errors.As(err, &oe) || oe.Path != p {
		t.Fatalf("Load(%s) error = %v, want an *OpenError", p, err)
	}
	if trace.Len() != 0 {
		t.Errorf("trace = %q, want nothing", trace.String())
	}
}

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
