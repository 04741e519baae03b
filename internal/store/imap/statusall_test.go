package imap_test

import (
	"bytes"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// TestStatusAllWithoutListStatus: on a server with CONDSTORE but without
// LIST-STATUS, a LIST of a run that wants signatures is followed by the
// STATUS of every listed folder, all sent at once: two round trips for
// the listing and every folder's signature, none more for Signature; each
// signature is what a STATUS of the folder gives, and a change to a
// folder changes it.
func TestStatusAllWithoutListStatus(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/', Capability: dovecot.WithoutListStatus})
	ctx := t.Context()
	c, err := imapclient.DialInsecure(d.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(d.User, d.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	caps := c.Caps()
	c.Close()
	if caps.Has(goimap.CapListStatus) || !caps.Has(goimap.CapCondStore) {
		t.Fatalf("the server announces %v: want CONDSTORE without LIST-STATUS", caps)
	}
	names := fillFolders(t, d, 8, 2)
	root := path.Dir(names[0])
	// One connection: the pool's first connection sends a NOOP (near.go)
	// right behind its login, and the LIST sent while that NOOP's
	// answer is still on its way would not count as a turn of its own
	// (netrelay counts a send that follows delivered data), though it
	// waits a round trip as it did.
	st, r := relayStoreWith(t, d, "", "/connections=1")
	before := r.Stats()
	list, err := st.List(ctx, "", root+"/*")
	if err != nil || len(list) != len(names) {
		t.Fatalf("listed %d folders (%v), want %d", len(list), err, len(names))
	}
	if got := r.Stats().Sub(before).RoundTrips(); got != 2 {
		t.Errorf("LIST and the folders' STATUS made %d round trips, want 2", got)
	}
	before = r.Stats()
	sigs := map[string][]byte{}
	for _, name := range names {
		sig, ok := st.Signature(ctx, name)
		if !ok {
			t.Fatalf("no signature of %s", name)
		}
		sigs[name] = sig
	}
	if got := r.Stats().Sub(before).RoundTrips(); got != 0 {
		t.Errorf("the signatures of the listed folders made %d round trips, want 0", got)
	}
	// Taken once from the listing: asked again, the server answers, the
	// same while nothing changed.
	for _, name := range names[:2] {
		if again, ok := st.Signature(ctx, name); !ok || !bytes.Equal(again, sigs[name]) {
			t.Errorf("%s: signature by STATUS %q, from the listing %q", name, again, sigs[name])
		}
	}
	mb, err := st.Open(ctx, names[3], store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	raw := "Message-ID: <new@x>\r\nSubject: s\r\n\r\nbody\r\n"
	if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := mb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.List(ctx, "", root+"/*"); err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, name := range names {
		if sig, ok := st.Signature(ctx, name); !ok || !bytes.Equal(sig, sigs[name]) {
			changed = append(changed, name)
		}
	}
	if !slices.Equal(changed, names[3:4]) {
		t.Errorf("signatures changed after an append to %s: %v", names[3], changed)
	}
}

// TestStatusAllLyingServer: the STATUS answers a server without
// LIST-STATUS gives after the LIST are taken only for the folder asked
// and only when complete: an answer for another folder, a refusal and an
// answer without HIGHESTMODSEQ give those folders no signature (they are
// read), the honest folder keeps its own.
func TestStatusAllLyingServer(t *testing.T) {
	boxes := []string{"a", "b", "c", "d"}
	s := imapscript.Start(t, "* OK ready", scriptWith("IMAP4rev1 AUTH=PLAIN CONDSTORE", boxes, func(c *imapscript.Conn, cmd imapscript.Command) {
		if cmd.Name != "STATUS" {
			c.Writef("%s NO not here\r\n", cmd.Tag)
			return
		}
		switch strings.Trim(strings.Fields(cmd.Args)[0], `"`) {
		case "a":
			c.Write("* STATUS a (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 7 HIGHESTMODSEQ 5)\r\n")
			c.OK(cmd, "done")
		case "b":
			c.Write("* STATUS a (MESSAGES 9 UIDNEXT 9 UIDVALIDITY 9 HIGHESTMODSEQ 9)\r\n")
			c.OK(cmd, "done")
		case "c":
			c.Writef("%s NO no such thing\r\n", cmd.Tag)
		default:
			c.Write("* STATUS d (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 7)\r\n")
			c.OK(cmd, "done")
		}
	}))
	st, err := imap.Dial(t.Context(), "{"+s.Addr+"/notls/user=sam}", imap.Options{Passwd: "secret", ListStatus: true, StallTimeout: stallTime})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.List(t.Context(), "", "%"); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("STATUS"); n != len(boxes) {
		t.Fatalf("%d STATUS commands after the LIST, want %d", n, len(boxes))
	}
	sig, ok := st.Signature(t.Context(), "a")
	if !ok || !strings.HasSuffix(string(sig), "\n7 2 1 5") {
		t.Errorf("signature of a %q (%v), want its own answer", sig, ok)
	}
	if n := s.Count("STATUS"); n != len(boxes) {
		t.Errorf("the signature of a asked STATUS again (%d commands)", n)
	}
	for _, b := range boxes[1:] {
		if sig, ok := st.Signature(t.Context(), b); ok {
			t.Errorf("%s has signature %q from a lying answer", b, sig)
		}
	}
}
