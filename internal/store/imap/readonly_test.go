package imap_test

import (
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
	"github.com/mailsync/mailsync/internal/store/imap/imaptest"
)

// noExpunge is a session whose EXPUNGE is refused, as a folder without
// the expunge right (ACL) or selected [READ-ONLY] has it.
type noExpunge struct{ imapserver.Session }

func (noExpunge) Expunge(*imapserver.ExpungeWriter, *goimap.UIDSet) error {
	return &goimap.Error{Type: goimap.StatusResponseTypeNo, Text: "Permission denied"}
}

// TestRefusedExpunge: a refused EXPUNGE that the server does not explain
// by a missing right (this one offers no ACL: a full disk, a folder
// deleted under the session) is an error, also when the session flagged
// nothing deleted: the box's failure keeps its last state. (Cyrus and
// Courier, which say the right is missing, are TestReadOnlyFolderAgainst5_2_7
// in package testservers; doc/design/servers.md, "Folders the user may not
// change".)
func TestRefusedExpunge(t *testing.T) {
	m := &memServer{}
	addr, stop, err := imaptest.Start(imaptest.Options{User: testUser, Password: testPass, Trace: m,
		Folders: []string{"box"},
		Wrap:    func(s imapserver.Session) imapserver.Session { return noExpunge{s} }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	m.addr = addr
	st, err := m.dial(t, "/notls", imap.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	mb, err := st.Open(ctx, "box", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	raw := "Message-ID: <a@x>\r\n\r\nbody\r\n"
	if err := mb.Append(ctx, store.NewMessage{Size: int64(len(raw)), Body: strings.NewReader(raw), InternalDate: time.Unix(1e9, 0)}); err != nil {
		t.Fatal(err)
	}
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Messages = %d, %v", len(msgs), err)
	}
	if _, err := mb.Expunge(ctx); err == nil || !strings.Contains(err.Error(), "Permission denied") {
		t.Errorf("with nothing flagged: Expunge error %v, want the server's refusal", err)
	}
	if err := mb.MarkDeleted(ctx, []uint64{msgs[0].Key}); err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Expunge(ctx); err == nil || !strings.Contains(err.Error(), "Permission denied") {
		t.Errorf("after flagging: Expunge error %v, want the server's refusal", err)
	}
}
