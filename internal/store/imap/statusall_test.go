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
	st, r := relayStore(t, d, "")
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
