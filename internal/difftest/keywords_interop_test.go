package difftest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	mboxstore "github.com/mailsync/mailsync/internal/store/mbox"
)

// TestMboxKeywordsInterop: keywords the clone writes into an mbox with
// "flags sync" (declared in the pseudo message's X-IMAP: line, doc/design/
// mbox.md, "Keywords") are read by c-client: when 5.2.7 rewrites the box
// (an expunge), they survive, and the clone's next run finds nothing to
// change. An undeclared word would be dropped by that rewrite and taken
// for a removal.
func TestMboxKeywordsInterop(t *testing.T) {
	h := getHarness(t)
	if h.self {
		t.Skip("the clone's own behaviour")
	}
	withFlags := strings.Replace(twoStores, "msinfo .msinfo\n", "msinfo .msinfo\n\tflags sync\n", 1)
	pseudo := func(kw string) string {
		return "From MAILER-DAEMON Wed Nov 25 22:05:31 2026\nDate: 25 Nov 2026 22:05:31 +0000\nFrom: Mail System Internal Data <MAILER-DAEMON@vm>\nSubject: " + mboxstore.PseudoSubject +
			"\nX-IMAP: 1795644331 0000000000" + kw + "\nStatus: RO\n\ntext\n\n"
	}
	message := func(id, kw string) string {
		return "From a@b Mon Jan  1 10:00:00 2024\nFrom: a@b\nSubject: " + id + "\nMessage-ID: <" + id + "@x>\nStatus: O\nX-Status: \nX-Keywords:" + kw + "\n\nbody " + id + "\n\n"
	}
	s := &Scenario{Config: twoStores, Files: files(
		".mailsync-flags", withFlags,
		"mail/a/inbox", pseudo(" $Junk work")+message("i1", " $Junk")+message("i2", "")+message("i3", " work"),
		"mail/b/inbox", pseudo(""),
	)}
	root := h.interopRoot(t, s, "kw-interop-")
	home := filepath.Join(root, "home")
	flagsConf := []string{"-f", filepath.Join(home, ".mailsync-flags")}
	run := h.mustRun(t, root)
	keywords := func(what, box string) map[string]store.Keywords {
		t.Helper()
		b, err := mboxstore.Open(filepath.Join(home, box), store.ReadOnly, store.Env{User: "u", Host: "h"})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer b.Close()
		ms, err := b.Messages(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out := map[string]store.Keywords{}
		for _, m := range ms {
			subj, _, _ := strings.Cut(string(m.Header[strings.Index(string(m.Header), "Subject: ")+9:]), "\n")
			out[subj] = m.Keywords
		}
		return out
	}
	wantKeywords := func(what, box string, want map[string]store.Keywords) {
		t.Helper()
		got := keywords(what, box)
		if len(got) != len(want) {
			t.Fatalf("%s: %s holds %v, want %v", what, box, got, want)
		}
		for subj, w := range want {
			if g, ok := got[subj]; !ok || g != w {
				t.Errorf("%s: %s message %s has keywords %q, want %q", what, box, subj, g, w)
			}
		}
	}

	run("the clone copies", h.ours, append(flagsConf, "ch")...)
	r := run("the clone gives the copies their keywords", h.ours, append(flagsConf, "ch")...)
	if !strings.Contains(r.Stdout, "2 flags changed a->b.") {
		t.Errorf("the second run:\n%s", r.Stdout)
	}
	all := map[string]store.Keywords{"i1": "$Junk", "i2": "", "i3": "work"}
	wantKeywords("the clone's keywords", "mail/b/inbox", all)

	// i2 deleted in a: 5.2.7 deletes it in b and expunges, which makes
	// c-client rewrite b whole, keeping only the keywords it recognises.
	data, err := os.ReadFile(filepath.Join(home, "mail/a/inbox"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "mail/a/inbox"), []byte(strings.Replace(string(data), message("i2", ""), "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(home, "mail/b/inbox"))
	run("5.2.7 deletes i2 in b", origBin, "ch")
	after, _ := os.ReadFile(filepath.Join(home, "mail/b/inbox"))
	if string(before) == string(after) || strings.Contains(string(after), "Subject: i2") {
		t.Fatalf("5.2.7 did not rewrite b without i2:\n%s", after)
	}
	delete(all, "i2")
	wantKeywords("after 5.2.7's rewrite", "mail/b/inbox", all)
	if !strings.Contains(string(after), "X-Keywords: $Junk") {
		t.Errorf("c-client wrote no X-Keywords: $Junk:\n%s", after)
	}

	r = run("the clone after 5.2.7", h.ours, append(flagsConf, "-m", "ch")...)
	if strings.Contains(r.Stdout, "flag") || strings.Contains(r.Stdout, "copied") {
		t.Errorf("the clone changed something after 5.2.7's rewrite:\n%s", r.Stdout)
	}
	wantKeywords("at the end, a", "mail/a/inbox", all)
	wantKeywords("at the end, b", "mail/b/inbox", all)
}
