package imap_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// TestSignaturesFromList: on a server with LIST-STATUS and CONDSTORE
// (Dovecot) the LIST that lists the folders also brings their
// signatures, so taking the signature of every folder sends no STATUS
// (one command for a settled store instead of one per folder: issue 17);
// a signature taken so is the one STATUS gives, and a second signature
// of the same folder asks the server again.
func TestSignaturesFromList(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	var trace bytes.Buffer
	st, err := imap.Dial(t.Context(), "{"+d.Addr()+"/notls/user="+d.User+"}", imap.Options{
		Passwd: d.Password, Remote: store.Remote{Trace: &trace}, ListStatus: true,
		CanonicalHost: func(context.Context, string) string { return "localhost" },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root := fmt.Sprintf("%sliststatus%d", d.Prefix, folderSeq.Add(1))
	names := []string{root + "/a", root + "/b", root + "/c"}
	for _, n := range names {
		if err := st.Create(t.Context(), n); err != nil {
			t.Fatal(err)
		}
	}
	status := regexp.MustCompile(`(?m)^T\d+ STATUS `)
	if _, err := st.List(t.Context(), "", root+"/%"); err != nil {
		t.Fatal(err)
	}
	before := len(status.FindAllIndex(trace.Bytes(), -1))
	first := map[string][]byte{}
	for _, n := range names {
		sig, ok := st.Signature(t.Context(), n)
		if !ok {
			t.Fatalf("no signature for %s", n)
		}
		first[n] = sig
	}
	if n := len(status.FindAllIndex(trace.Bytes(), -1)) - before; n != 0 {
		t.Errorf("%d STATUS commands after a LIST that brought the signatures:\n%s", n, trace.String())
	}
	for _, n := range names {
		sig, ok := st.Signature(t.Context(), n)
		if !ok || !bytes.Equal(sig, first[n]) {
			t.Errorf("%s: STATUS gives %q, the LIST gave %q", n, sig, first[n])
		}
	}
	if n := len(status.FindAllIndex(trace.Bytes(), -1)) - before; n != len(names) {
		t.Errorf("%d STATUS commands for %d second signatures, want one each", n, len(names))
	}
}
