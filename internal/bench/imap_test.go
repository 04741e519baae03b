package bench

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/netrelay"
)

// TestIMAPHelpersOnDovecot checks the raw fetch, the id listing and the
// server-side deletion against a real Dovecot.
func TestIMAPHelpersOnDovecot(t *testing.T) {
	s := dovecot.Start(t, dovecot.Options{})
	ctx := t.Context()
	mails, err := GenerateMails(30, 5)
	if err != nil {
		t.Fatal(err)
	}
	var wantBytes int64
	load := func(folder string, ms []Mail) {
		t.Helper()
		var msgs []dovecot.Message
		for _, m := range ms {
			msgs = append(msgs, dovecot.Message{Raw: m.Raw, Flags: m.Flags, Time: m.Time})
			// Dovecot serves LF files with CRLF line ends.
			wantBytes += int64(len(m.Raw) + bytes.Count(m.Raw, []byte("\n")))
		}
		if err := s.LoadMessages(ctx, folder, msgs); err != nil {
			t.Fatal(err)
		}
	}
	load("INBOX", mails[:20])
	load("work", mails[20:])
	if err := s.CreateFolder(ctx, "empty"); err != nil {
		t.Fatal(err)
	}
	a := IMAPAccount{Addr: s.Addr(), User: s.User, Password: s.Password}

	st, err := RawFetch(ctx, a, []string{"INBOX", "work", "empty"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != 30 || st.Bytes != wantBytes {
		t.Fatalf("raw fetch: %+v, want 30 messages of %d bytes", st, wantBytes)
	}

	// The pipelined floor sees the same, and waits three times.
	relay, err := netrelay.Start(ctx, s.Addr(), time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	pst, err := PipelinedFetch(ctx, IMAPAccount{Addr: relay.Addr(), User: s.User, Password: s.Password}, []string{"INBOX", "work", "empty"})
	if err != nil || pst != st {
		t.Fatalf("pipelined fetch: %+v, %v; want %+v", pst, err, st)
	}
	if ls := relay.Stats(); ls.Connections != 1 || ls.RoundTrips() != 3 {
		t.Errorf("pipelined fetch: %+v over the relay, want 1 connection and 3 round trips", ls)
	}
	if _, err := PipelinedFetch(ctx, a, []string{"INBOX", "missing"}); err == nil || !strings.Contains(err.Error(), "examine missing") {
		t.Errorf("pipelined fetch of a missing folder: %v", err)
	}

	ids, deleted, err := ServerIDs(ctx, a, "work")
	if err != nil || deleted != 0 || len(ids) != 10 || ids[0] != mails[20].ID || ids[9] != mails[29].ID {
		t.Fatalf("ids of work: %v, %d deleted, %v", ids, deleted, err)
	}
	n, err := DeleteOnServer(ctx, a, "work", map[string]bool{mails[21].ID: true, mails[25].ID: true, mails[3].ID: true})
	if err != nil || n != 2 {
		t.Fatalf("deleted %d: %v", n, err)
	}
	ids, _, err = ServerIDs(ctx, a, "work")
	want := []string{mails[20].ID, mails[22].ID, mails[23].ID, mails[24].ID, mails[26].ID, mails[27].ID, mails[28].ID, mails[29].ID}
	if err != nil || !slices.Equal(ids, want) {
		t.Fatalf("after deleting: %v, %v", ids, err)
	}
	if ids, _, err := ServerIDs(ctx, a, "empty"); err != nil || len(ids) != 0 {
		t.Fatalf("empty folder: %v, %v", ids, err)
	}
	if _, _, err := ServerIDs(ctx, a, "missing"); err == nil {
		t.Error("listing a missing folder succeeded")
	}
	many, err := ServerFolderIDs(ctx, a, []string{"work", "empty", "INBOX"})
	if err != nil || len(many) != 3 || !slices.Equal(many[0].IDs, want) || len(many[1].IDs) != 0 ||
		len(many[2].IDs) != 20 || many[2].IDs[19] != mails[19].ID || many[0].Deleted+many[2].Deleted != 0 {
		t.Fatalf("ids of three folders: %+v, %v", many, err)
	}
	if _, err := ServerFolderIDs(ctx, a, []string{"INBOX", "missing"}); err == nil {
		t.Error("listing a missing folder among others succeeded")
	}
}
