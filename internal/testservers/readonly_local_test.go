package testservers_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// localHome is a home directory owned by runAccount for a clone-only run
// on local stores (5.2.7 has no Maildir driver).
type localHome struct {
	t        *testing.T
	dir      string
	uid, gid int
}

func newLocalHome(t *testing.T) *localHome {
	u := ensureAccount(t)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir, err := os.MkdirTemp("", "mailsync-local-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	h := &localHome{t: t, dir: dir, uid: uid, gid: gid}
	h.put("", 0o755, "")
	return h
}

// put writes a file (content) or, for a name ending in "/" or "", a
// directory, with mode and owned by runAccount.
func (h *localHome) put(rel string, mode os.FileMode, content string) {
	h.t.Helper()
	p := filepath.Join(h.dir, rel)
	var err error
	if rel == "" || strings.HasSuffix(rel, "/") {
		err = os.MkdirAll(p, 0o755)
	} else {
		err = os.WriteFile(p, []byte(content), 0o600)
	}
	if err == nil {
		err = os.Chown(p, h.uid, h.gid)
	}
	if err == nil {
		err = os.Chmod(p, mode)
	}
	if err != nil {
		h.t.Fatal(err)
	}
}

// run runs the clone as runAccount and returns its output.
func (h *localHome) run(args ...string) string {
	h.t.Helper()
	cmd := exec.CommandContext(h.t.Context(), clone(h.t), args...)
	cmd.Dir = h.dir
	cmd.Env = []string{"HOME=" + h.dir, "USER=" + runAccount, "PATH=/usr/bin:/bin", "TZ=UTC", "LANG=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(h.uid), Gid: uint32(h.gid)}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	return fmt.Sprintf("--- stdout\n%s--- stderr\n%s--- exit %d\n", out.String(), strings.ReplaceAll(errb.String(), h.dir, "HOME"), code)
}

// TestReadOnlyMaildir: a Maildir the user may read but not write (its
// directories 0555, its files 0444) is read and its messages are copied
// out; only the copy into it and the deletion in it fail, each run, as
// for a read-only mbox file: a deletion on the other side is never undone
// by copying the message back.
func TestReadOnlyMaildir(t *testing.T) {
	h := newLocalHome(t)
	h.put(".mailsync", 0o600, "store md {\n\tpat \\#maildir/Mail/%\n\tprefix \\#maildir/Mail/\n}\n"+
		"store mb {\n\tpat mail/%\n\tprefix mail/\n}\nchannel ch md mb {\n\tmsinfo .msinfo\n}\n")
	h.put("mail/", 0o755, "")
	h.put("mail/ro", 0o600, mboxOf(message("b1", "b1")))
	for _, d := range []string{"Mail/", "Mail/ro/", "Mail/ro/new/", "Mail/ro/tmp/", "Mail/ro/cur/"} {
		h.put(d, 0o755, "")
	}
	h.put("Mail/ro/cur/1.1.host:2,S", 0o444, message("r1", "r1"))
	h.put("Mail/ro/cur/2.2.host:2,S", 0o444, message("r2", "r2"))
	for _, d := range []string{"Mail/ro/new/", "Mail/ro/tmp/", "Mail/ro/cur/", "Mail/ro/"} {
		h.put(d, 0o555, "")
	}
	out := h.run("ch")
	if !strings.Contains(out, "2 copied md->mb.") || section(out, "stderr") != "Error: Can't open append mailbox: Permission denied" ||
		!strings.HasSuffix(out, "--- exit 1\n") {
		t.Errorf("first run: want r1 and r2 copied out, the copy of b1 into the Maildir failed:\n%s", out)
	}
	if got := h.subjects("mail/ro"); got != "b1, r1, r2" {
		t.Errorf("after the first run the mbox holds %s", got)
	}
	h.put("mail/ro", 0o600, mboxOf(message("b1", "b1"), message("r1", "r1"))) // r2 deleted
	for run := 2; run <= 3; run++ {
		out := h.run("ch")
		if strings.Contains(out, "copied") || !strings.Contains(section(out, "stderr"), "Error: flag messages deleted in store md:") ||
			!strings.HasSuffix(out, "--- exit 1\n") {
			t.Errorf("run %d: want the deletion of r2 tried and failed, nothing copied:\n%s", run, out)
		}
		if got := h.subjects("mail/ro"); got != "b1, r1" {
			t.Errorf("run %d: the mbox holds %s", run, got)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(h.dir, "Mail/ro/cur")); err != nil || len(ents) != 2 ||
		ents[0].Name() != "1.1.host:2,S" || ents[1].Name() != "2.2.host:2,S" {
		t.Errorf("the read-only Maildir changed: %v %v", ents, err)
	}
}

// subjects lists the subjects of an mbox file, sorted.
func (h *localHome) subjects(rel string) string {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.dir, rel))
	if err != nil {
		h.t.Fatal(err)
	}
	var subs []string
	for _, m := range subjectLine.FindAllStringSubmatch(string(data), -1) {
		if !strings.Contains(m[1], "DON'T DELETE THIS MESSAGE") {
			subs = append(subs, m[1])
		}
	}
	slices.Sort(subs)
	return strings.Join(subs, ", ")
}
