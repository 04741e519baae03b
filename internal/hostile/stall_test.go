package hostile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
	"github.com/mailsync/mailsync/internal/testbin"
)

// stallBoxes are the boxes of the stall test.
var stallBoxes = []string{"box0", "box1", "box2", "box3", "box4"}

// stallConfig is a channel between local mbox files and server addr.
func stallConfig(addr string) string {
	return fmt.Sprintf("store local {\n\tpat Mail/%%\n\tprefix Mail/\n}\n"+
		"store server {\n\tserver {%[1]s/notls/user=sam}\n\tref {%[1]s}\n\tpat box%%\n\tpasswd secret\n}\n"+
		"channel ch local server {\n\tmsinfo .msinfo\n}\n", addr)
}

// TestStalledServerEndsTheRun: a server that stops answering (it only
// says "* OK" now and then) is given up once, after one stall period:
// one error line names the store, no box is tried again on a new
// connection, the msinfo keeps every box's state and the run exits 1.
func TestStalledServerEndsTheRun(t *testing.T) {
	w := newWorld(t)
	for i, b := range stallBoxes {
		w.write("home/Mail/"+b, fmt.Sprintf("From a@example.org Tue Nov 14 22:13:21 2023\nMessage-ID: <m%d@example.org>\nSubject: %s\n\nbody\n\n", i, b))
	}
	// A first run against an honest server records every box.
	w.config(stallConfig(serve(t, imaptest.Options{Folders: stallBoxes})))
	if r := w.run("ch"); r.Code != 0 {
		t.Fatalf("first run: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	before, err := os.ReadFile(filepath.Join(w.Home, ".msinfo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range stallBoxes {
		if !bytes.Contains(before, []byte(b)) {
			t.Fatalf("the first run recorded no state for %s:\n%s", b, before)
		}
	}

	// Now the server logs in and lists, then never answers again.
	s := imapscript.Start(t, "* OK ready", func(c *imapscript.Conn, cmd imapscript.Command) {
		switch cmd.Name {
		case "CAPABILITY":
			c.Write("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
			c.OK(cmd, "done")
		case "LOGIN", "AUTHENTICATE":
			c.OK(cmd, "logged in")
		case "LIST":
			for _, b := range stallBoxes {
				c.Writef("* LIST () \"/\" %s\r\n", b)
			}
			c.OK(cmd, "done")
		case "LOGOUT":
			c.OK(cmd, "bye")
			c.Close()
		default:
			for {
				select {
				case <-c.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
				if c.Write("* OK still here\r\n") != nil {
					return
				}
			}
		}
	})
	w.config(stallConfig(s.Addr))
	r := runEnv(w, []string{"MAILSYNC_TEST_STALL=400ms"}, "ch")
	t.Logf("stdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	if r.Code != 1 {
		t.Errorf("exit %d, want 1", r.Code)
	}
	var errLines []string
	for _, l := range strings.Split(r.Stderr, "\n") {
		if strings.HasPrefix(l, "Error:") {
			errLines = append(errLines, l)
		}
	}
	want := "Error: Store server cannot be reached any more, its remaining mailboxes are skipped: no answer from server {" + s.Addr + "/notls/user=sam} for 400ms: connection given up"
	if len(errLines) != 1 || errLines[0] != want {
		t.Errorf("error lines %q, want exactly %q", errLines, want)
	}
	for _, b := range stallBoxes[1:] {
		if strings.Contains(r.Stdout, b+":") {
			t.Errorf("box %s was tried after the store was given up", b)
		}
	}
	asked := s.Count("SELECT") + s.Count("EXAMINE") + s.Count("STATUS")
	if n := s.Conns(); n != 1 || asked != 1 {
		t.Errorf("the server saw %d connections and %d SELECT/EXAMINE/STATUS, want 1 and 1", n, asked)
	}
	after, err := os.ReadFile(filepath.Join(w.Home, ".msinfo"))
	if err != nil || state(after) != state(before) {
		t.Errorf("the msinfo state changed (%v):\n%s\nwas:\n%s", err, after, before)
	}
}

// state is the channel's state in an msinfo file: the body of its
// message (the file is rewritten with new dates and UIDs).
func state(msinfo []byte) string {
	_, body, _ := strings.Cut(string(msinfo), "\nSubject: ch\n")
	return body
}

// runEnv is world.run with extra environment variables.
func runEnv(w *world, env []string, args ...string) result {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), testbin.Path(w.t), args...)
	cmd.Dir = w.Home
	cmd.Env = append([]string{"HOME=" + w.Home, "USER=tester", "LOGNAME=tester", "PATH=/usr/bin:/bin", "TZ=UTC", "LANG=C"}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		w.t.Fatalf("mailsync %v: %v\nstdout:\n%s\nstderr:\n%s", args, err, r.Stdout, r.Stderr)
	}
	return r
}
