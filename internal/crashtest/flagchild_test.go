package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// The flag rewrite tests run a store session in a process of its own (this
// test binary started again, running TestFlagChild), so that it can be
// killed and holds its locks as another process would. The engine that
// decides flag changes is not part of it: the child sets the flags that
// flagChange says, through the local store as the command would.

// flagChildEnv names the mbox (below the home directory $HOME/mail) the
// child works on; flagChildHold makes it wait, once its flags are set,
// until its stdin is closed before it closes the box.
const (
	flagChildEnv  = "CRASHTEST_FLAG_CHILD"
	flagChildHold = "CRASHTEST_FLAG_CHILD_HOLD"
)

// flagChange is the change the child makes to the message with index i
// among those it lists (every message is changed by at least one rule
// except every seventh).
func flagChange(i int) store.FlagChange {
	var c store.FlagChange
	switch i % 7 {
	case 0:
		return c
	case 1, 4:
		c.Add = store.Seen
	case 2:
		c.Add, c.Remove = store.Flagged, store.Seen
	case 3:
		c.Remove = store.Flagged | store.Answered
	case 5:
		c.Add = store.Answered | store.Draft
	case 6:
		c.Add, c.Remove = store.Seen|store.Flagged, store.Draft
	}
	return c
}

// TestFlagChild is the child process (it does nothing in a normal test
// run): it opens $HOME/mail/BOX read-write through the local store,
// lists it, sets the flags of flagChange, prints "ready", (waits for
// stdin to close,) closes the box and prints "done".
func TestFlagChild(t *testing.T) {
	box := os.Getenv(flagChildEnv)
	if box == "" {
		t.Skip("only run as the child of the flag rewrite tests")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stdout, "error:", err)
		t.FailNow()
	}
	ctx := context.Background()
	st := local.New(store.Env{Home: os.Getenv("HOME"), User: "user", Host: "host.example.org", Notes: func(n store.Note) { fmt.Fprintf(os.Stderr, "note: %+v\n", n) }})
	mb, err := st.Open(ctx, "mail/"+box, store.ReadWrite)
	if err != nil {
		fail(err)
	}
	var changes []store.FlagChange
	i := 0
	err = mb.(store.Streamer).EachMessage(ctx, func(m store.Message) error {
		if c := flagChange(i); c.Add|c.Remove != 0 {
			c.Key = m.Key
			changes = append(changes, c)
		}
		i++
		return nil
	})
	if err != nil {
		fail(err)
	}
	if err := mb.(store.FlagSetter).SetFlags(ctx, changes); err != nil {
		fail(err)
	}
	fmt.Fprintln(os.Stdout, "ready")
	if os.Getenv(flagChildHold) != "" {
		io.Copy(io.Discard, os.Stdin)
	}
	if err := mb.Close(); err != nil {
		fail(err)
	}
	fmt.Fprintln(os.Stdout, "done")
}

// flagChild is a running child.
type flagChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // its stdout, line by line; closed at its end
	ready time.Time   // when it said "ready"
}

// startFlagChild starts a child on home/mail/box and waits for its
// "ready" (its flags are set, nothing written yet).
func startFlagChild(t *testing.T, home, box string, hold bool) *flagChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFlagChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HOME="+home, flagChildEnv+"="+box)
	if hold {
		cmd.Env = append(cmd.Env, flagChildHold+"=1")
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &flagChild{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			c.lines <- s.Text()
		}
		close(c.lines)
	}()
	if l := <-c.lines; l != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q instead of ready", l)
	}
	c.ready = time.Now()
	return c
}

// finish closes the child's stdin and waits for its "done" and its end.
func (c *flagChild) finish(t *testing.T) {
	t.Helper()
	c.stdin.Close()
	var said []string
	for l := range c.lines {
		said = append(said, l)
	}
	err := c.cmd.Wait()
	if err != nil || !slices.Contains(said, "done") {
		t.Fatalf("child: %v, said %q", err, said)
	}
}

// kill kills the child with SIGKILL and reaps it.
func (c *flagChild) kill() {
	c.cmd.Process.Kill()
	c.cmd.Wait()
	for range c.lines {
	}
}

// flagHome makes a home directory with mail/box holding data.
func flagHome(t *testing.T, data []byte) string {
	t.Helper()
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "mail"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "mail", "box"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

// leftovers lists the files beside mail/box.
func leftovers(home string) []string {
	ents, _ := os.ReadDir(filepath.Join(home, "mail"))
	var out []string
	for _, e := range ents {
		if e.Name() != "box" {
			out = append(out, e.Name())
		}
	}
	return out
}

// pyFlags reads an mbox with Python's mailbox module, an independent
// reader: for each message its Message-ID and the letters of its Status:
// and X-Status: headers, sorted ("" when python3 is missing: skipped).
func pyFlags(t *testing.T, path string) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 missing: the independent reader is skipped")
		return nil
	}
	const script = `import mailbox, sys
for m in mailbox.mbox(sys.argv[1], create=False):
    print((m["Message-ID"] or "").strip(), "".join(sorted(m.get_flags())))
`
	out, err := exec.Command(py, "-c", script, path).Output()
	if err != nil {
		t.Fatalf("python mailbox on %s: %v", path, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}
