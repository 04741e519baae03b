package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Scenario is one differential test: a home directory and runs on it.
type Scenario struct {
	Name   string
	Config string                 // ~/.mailsync; "" means no configuration file
	Files  map[string]string      // files below HOME; a name ending in "/" is a directory
	Msinfo []string               // msinfo paths relative to HOME (default .msinfo)
	Modes  map[string]os.FileMode // permissions set after the files are written
	Dev    []string               // labels ("D5") of the doc/design/decisions.md it exercises; D5, D14 switch checks
	Steps  []Step
	// Concurrent runs the two sides of each step at the same time (they
	// must share no state); for slow steps such as failing logins.
	Concurrent bool
	// Skip, when set, skips the scenario against the clone (a known bug
	// of the clone, "BUG: ..."); it still runs in self mode.
	Skip string
	// Ext is state outside the home directories (the IMAP accounts of
	// imap_*_test.go); nil for purely local scenarios.
	Ext Extension
}

// Sides of a scenario: the directory names of the two copies.
const (
	sideOrig = "o" // 5.2.7's copy
	sideOurs = "n" // the clone's copy
)

// Extension is a scenario's state outside the home directories, one
// instance per scenario (e.g. an IMAP account per side).
type Extension interface {
	// Setup prepares a side before its home directory is written and
	// returns replacements (old, new, ...) applied to the configuration
	// and the scenario's files of that side.
	Setup(t *testing.T, side string) ([]string, error)
	// Snap adds the side's outside state to a snapshot (before and
	// after every step).
	Snap(side string, s *Snapshot) error
	// Normalize turns 5.2.7's result (want: a copy, after Step.Adjust)
	// into the clone's terms where the sides differ by construction, and
	// takes out of both results what it checks separately; an error is a
	// failed separate check. dev is false when 5.2.7 produced got.
	Normalize(want, got *Result, dev bool) error
}

// Step is one run of mailsync on both copies of the home directory.
type Step struct {
	Args []string
	Env  []string // extra environment (NAME=VALUE)
	// Orig runs 5.2.7 on the clone's copy too (interoperability: 5.2.7
	// continues from the clone's files).
	Orig bool
	// Write and Remove change both copies before the step.
	Write  map[string]string
	Remove []string
	// Prep changes the outside state (Scenario.Ext) of a side before
	// the step, e.g. deletes a message on the IMAP server.
	Prep func(side string) error
	// OursWrite is written to the clone's copy only (5.2.7 would treat
	// such a file differently, e.g. a lock file as c-client's dot-lock).
	OursWrite map[string]string
	// Adjust turns a copy of 5.2.7's result into the result the clone
	// must produce; before is the clone's copy before the step.
	Adjust func(before, want *Result)
	// Check makes extra assertions on the clone's result.
	Check func(before, got *Result) error
}

// fixedTime is the modification time of every file a scenario writes
// (also the internal date of MH messages).
var fixedTime = time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)

func (s *Scenario) has(dev string) bool {
	for _, d := range s.Dev {
		if d == dev {
			return true
		}
	}
	return false
}

func (s *Scenario) msinfos() []string {
	if s.Msinfo == nil {
		return []string{".msinfo"}
	}
	return s.Msinfo
}

// writeTree writes files below home (owned by the test user, fixed times).
func (h *harness) writeTree(home string, files map[string]string) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(home, n)
		if err := h.mkdirs(home, filepath.Dir(p)); err != nil {
			return err
		}
		if strings.HasSuffix(n, "/") {
			if err := h.mkdirs(home, p); err != nil {
				return err
			}
			continue
		}
		if err := os.WriteFile(p, []byte(files[n]), 0o600); err != nil {
			return err
		}
		if err := os.Chmod(p, 0o600); err != nil {
			return err
		}
		if err := os.Lchown(p, h.uid, h.gid); err != nil {
			return err
		}
		if err := os.Chtimes(p, fixedTime, fixedTime); err != nil {
			return err
		}
	}
	return nil
}

// mkdirs creates dir and its parents below home, owned by the test user.
func (h *harness) mkdirs(home, dir string) error {
	rel, err := filepath.Rel(home, dir)
	if err != nil || rel == "." {
		return err
	}
	p := home
	for _, part := range strings.Split(rel, "/") {
		p = filepath.Join(p, part)
		if err := os.Mkdir(p, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
		if err := os.Lchown(p, h.uid, h.gid); err != nil {
			return err
		}
	}
	return nil
}

// prepare creates root/home with the scenario's files; repl are
// replacements (old, new, ...) applied to the configuration and files.
func (h *harness) prepare(s *Scenario, root string, repl []string) error {
	home := filepath.Join(root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	for _, d := range []string{root, home} {
		if err := os.Chmod(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.Lchown(home, h.uid, h.gid); err != nil {
		return err
	}
	files := map[string]string{}
	r := strings.NewReplacer(repl...)
	for k, v := range s.Files {
		files[k] = r.Replace(v)
	}
	if s.Config != "" {
		files[".mailsync"] = r.Replace(s.Config)
	}
	if err := h.writeTree(home, files); err != nil {
		return err
	}
	for p, m := range s.Modes {
		if err := os.Chmod(filepath.Join(home, p), m); err != nil {
			return err
		}
	}
	return nil
}

// step runs one step with bin in root and snapshots the result.
func (h *harness) step(s *Scenario, st *Step, bin, root string, ours bool) (before, after *Result, err error) {
	home := filepath.Join(root, "home")
	side := filepath.Base(root)
	if st.Prep != nil {
		if err := st.Prep(side); err != nil {
			return nil, nil, err
		}
	}
	if ours {
		if err := h.writeTree(home, st.OursWrite); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range st.Remove {
		if err := os.RemoveAll(filepath.Join(home, r)); err != nil {
			return nil, nil, err
		}
	}
	if err := h.writeTree(home, st.Write); err != nil {
		return nil, nil, err
	}
	snap, err := h.snapshot(s, side, home)
	if err != nil {
		return nil, nil, err
	}
	before = &Result{Snap: snap}
	after, err = h.runAs(bin, root, st.Args, st.Env)
	if err != nil {
		return nil, nil, err
	}
	after.Snap, err = h.snapshot(s, side, home)
	return before, after, err
}

// snapshot takes the snapshot of a side: its home and outside state.
func (h *harness) snapshot(s *Scenario, side, home string) (*Snapshot, error) {
	snap, err := takeSnapshot(home, s.msinfos())
	if err != nil || s.Ext == nil {
		return snap, err
	}
	return snap, s.Ext.Snap(side, snap)
}

func (h *harness) runScenario(t *testing.T, s *Scenario) {
	if s.Skip != "" && !h.self {
		t.Skip(s.Skip)
	}
	dir, err := os.MkdirTemp(h.tmp, s.Name+"-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	origRoot, oursRoot := filepath.Join(dir, sideOrig), filepath.Join(dir, sideOurs)
	for _, r := range []string{origRoot, oursRoot} {
		var repl []string
		if s.Ext != nil {
			if repl, err = s.Ext.Setup(t, filepath.Base(r)); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.prepare(s, r, repl); err != nil {
			t.Fatal(err)
		}
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		name := fmt.Sprintf("step %d (mailsync %s)", i+1, strings.Join(st.Args, " "))
		bin, who := h.ours, "clone"
		if st.Orig {
			bin, who = origBin, "5.2.7 on the clone's files"
		}
		var orig, before, got *Result
		var origErr, err error
		if s.Concurrent {
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, orig, origErr = h.step(s, st, origBin, origRoot, false)
			}()
			before, got, err = h.step(s, st, bin, oursRoot, !h.self)
			<-done
		} else {
			_, orig, origErr = h.step(s, st, origBin, origRoot, false)
			if origErr == nil {
				before, got, err = h.step(s, st, bin, oursRoot, !h.self)
			}
		}
		if origErr != nil {
			t.Fatalf("%s: 5.2.7: %v", name, origErr)
		}
		if h.verbose {
			t.Logf("%s: 5.2.7 exit %d\nstdout:\n%s\nstderr:\n%s", name, orig.Exit, orig.Stdout, orig.Stderr)
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", name, who, err)
		}
		want := orig.clone()
		dev := !h.self && !st.Orig
		if dev && st.Adjust != nil {
			st.Adjust(before, want)
		}
		if s.Ext != nil {
			if err := s.Ext.Normalize(want, got, dev); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		o := compareOpts{ignoreOld: !h.self && s.has("D5"), ignoreStderr: dev && s.has("D14")}
		if d := compare(want, got, o); d != "" {
			t.Errorf("%s: %s differs from 5.2.7 (adjusted by %v):\n%s", name, who, s.Dev, d)
		}
		if dev && s.has("D5") {
			if err := checkD5(before.Snap, got.Snap); err != nil {
				t.Errorf("%s: D5: %v", name, err)
			}
		}
		if dev && st.Check != nil {
			if err := st.Check(before, got); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// checkD5: the clone never changes the "old" status of a message it did
// not copy, and copies arrive as new mail.
func checkD5(before, after *Snapshot) error {
	for path, b := range after.Boxes {
		if b.MH {
			continue
		}
		old := map[string]bool{}
		if pb := before.Boxes[path]; pb != nil {
			for i := range pb.Msgs {
				old[pb.Msgs[i].key()] = pb.Msgs[i].Old
			}
		}
		for i := range b.Msgs {
			m := &b.Msgs[i]
			if o, ok := old[m.key()]; ok && o != m.Old {
				return fmt.Errorf("box %s message %s: Status O changed from %v to %v", path, m.key(), o, m.Old)
			} else if !ok && m.Old {
				return fmt.Errorf("box %s: copied message %s marked old", path, m.key())
			}
		}
	}
	return nil
}

var scenarios []Scenario

// register adds scenarios to the suite (called from init functions).
func register(s ...Scenario) { scenarios = append(scenarios, s...) }

var nameOK = regexp.MustCompile(`^[a-z0-9-]+$`)

func TestDiff(t *testing.T) {
	h := getHarness(t)
	seen := map[string]bool{}
	for i := range scenarios {
		s := &scenarios[i]
		if !nameOK.MatchString(s.Name) || seen[s.Name] {
			t.Fatalf("bad or repeated scenario name %q", s.Name)
		}
		seen[s.Name] = true
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			h.runScenario(t, s)
		})
	}
}

// TestScenarioCount keeps the suite from silently shrinking.
func TestScenarioCount(t *testing.T) {
	if len(scenarios) < 30 {
		t.Errorf("only %d scenarios registered, want at least 30", len(scenarios))
	}
}
