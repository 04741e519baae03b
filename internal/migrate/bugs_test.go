package migrate

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestServerStoreWithoutRefIsRefused: a store with a server but without a
// remote ref (the easiest mistake when writing a migration config) lists
// nothing in c-client (5.2.7 then aborts). Listing nothing would make a first
// run create every folder and copy everything, and later runs stop at the
// mass-deletion brake, or — when the folders exist — skip every box and exit 0
// having done nothing. The run must either synchronise or fail with an error
// saying why (doc/design/decisions.md#d8-exit-status): mailsync refuses such a
// store.
func TestServerStoreWithoutRefIsRefused(t *testing.T) {
	srv := serverA(t)
	h := newHome(t, "migrator")
	folder := fmt.Sprintf("NoRef%d", folderSeq.Add(1))
	c := &corpus{msgs: map[string][]*message{}}
	c.add(simple("inbox", 0, "first"))
	c.msgs["inbox"][0].date = baseDate
	if err := writeArchive(h.path("archive"), c); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`store archive {
	pat	archive/*
	prefix	archive/
}
store good {
	server	{%[1]s/notls/user=%[2]s}
	ref	{%[1]s}
	pat	%[4]s/*
	prefix	%[4]s/
	passwd	%[3]s
}
store noref {
	server	{%[1]s/notls/user=%[2]s}
	pat	%[4]s/*
	prefix	%[4]s/
	passwd	%[3]s
}
channel up archive good {
	msinfo	.msinfo-good
}
channel up2 archive noref {
	msinfo	.msinfo-noref
}
`, srv.Addr(), srv.User, srv.Password, folder)
	h.write(t, ".mailsync", []byte(cfg))
	if r := h.run(t, "up"); r.code != 0 {
		t.Fatalf("up: exit %d: %s", r.code, r.stderr)
	}
	// A new message in the archive: the channel without ref must upload
	// it or fail.
	second := simple("inbox", 1, "second")
	second.date = baseDate.Add(dateStep)
	c.add(second)
	if err := writeMbox(h.path("archive/inbox.new"), c.msgs["inbox"], false); err != nil {
		t.Fatal(err)
	}
	mustRename(t, h.path("archive/inbox.new"), h.path("archive/inbox"))
	r := h.run(t, "up2")
	ist := dialUser(t, srv, srv.User)
	have, err := readStore(t.Context(), ist, folder+"/*", folder+"/")
	if err != nil {
		t.Fatal(err)
	}
	if r.code == 0 && have.boxes["inbox"][second.id] == nil {
		t.Errorf("up2: exit 0, yet %s was not uploaded; stdout:\n%s", second.id, r.stdout)
	}
	if r.code != 0 && !strings.Contains(r.stderr, "Error") {
		t.Errorf("up2: exit %d without an error message", r.code)
	}
}

func mustRename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// TestParentFoldersIntoMHInFirstRun: creating an MH folder creates its missing
// parents as directories, and every directory below the MH root is an MH
// folder. When the other store has the parent as a box of its own (here the
// Maildir++ folder .P beside .P.Q), the engine creates P/Q first (longer names
// first), then fails to create P ("Failed to create P in mh" with -d: it
// exists) and skips it. The second run then finds P on both sides, synchronises
// it and records it in the msinfo: a migration into MH is not finished after
// one run (doc/design/decisions.md#d3-missing-boxes: a missing box is created
// and synchronised in the same run). An existing selectable box should count as
// created.
func TestParentFoldersIntoMHInFirstRun(t *testing.T) {
	h := newHome(t, "migrator")
	h.mkdir(t, "Maildir/cur", "Maildir/new", "Maildir/tmp", "Maildir/.P/cur", "Maildir/.P/new", "Maildir/.P/tmp",
		"Maildir/.P.Q/cur", "Maildir/.P.Q/new", "Maildir/.P.Q/tmp", "Mail")
	h.write(t, "Maildir/.P.Q/cur/1700000000.M1P1.other:2,S", []byte("Message-ID: <1@x>\nSubject: s\n\nbody\n"))
	h.write(t, ".mh_profile", []byte("Path: Mail\n"))
	h.write(t, ".mailsync", []byte("store md {\n\tpat\tMaildir/*\n\tprefix\tMaildir/\n}\n"+
		"store mh {\n\tpat\t\\#mh/*\n\tprefix\t\\#mh/\n}\nchannel c md mh {\n\tmsinfo\t.msinfo\n}\n"))
	r1 := h.run(t, "c")
	first := msinfoEntries(t, h.path(".msinfo"), false)
	r2 := h.run(t, "c")
	if second := msinfoEntries(t, h.path(".msinfo"), false); r1.code != 0 || r2.code != 0 || second != first {
		t.Errorf("exit %d, %d; the second run changed the msinfo from\n%s\nto\n%s\nfirst run:\n%s\nsecond run:\n%s",
			r1.code, r2.code, first, second, r1.stdout, r2.stdout)
	}
}
