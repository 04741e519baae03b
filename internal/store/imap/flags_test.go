package imap_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap/imapscript"
)

// applyFlags calls SetFlags on mb.
func applyFlags(t *testing.T, mb store.Mailbox, changes []store.FlagChange) error {
	t.Helper()
	fs, ok := mb.(store.FlagSetter)
	if !ok {
		t.Fatalf("%T is no store.FlagSetter", mb)
	}
	return fs.SetFlags(t.Context(), changes)
}

// listedFlags lists mb and returns each message's flags (but \Recent).
func listedFlags(t *testing.T, mb store.Mailbox) []store.Flags {
	t.Helper()
	msgs, err := mb.Messages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Flags
	for _, m := range msgs {
		out = append(out, m.Flags&store.CopiedFlags)
	}
	return out
}

// TestSetFlagsOneStorePerSet: the changes of ten messages become one UID
// STORE per distinct Add set and one per distinct Remove set, UIDs as
// ranges, all sent before the first answer (the server answers none
// until it has all five: a client waiting for each answer would stall),
// and the next listing shows the server's new flags.
func TestSetFlagsOneStorePerSet(t *testing.T) {
	fs := startFlagServer(t, 10, func(fs *flagServer) {
		fs.batch = 5
		fs.flags[5], fs.flags[6], fs.flags[7] = store.Flagged, store.Flagged|store.Seen, store.Seen
	})
	_, mb, _ := fs.open(t, store.ReadWrite)
	changes := []store.FlagChange{
		{Key: 5, Add: store.Seen}, {Key: 1, Add: store.Seen}, {Key: 2, Add: store.Seen}, {Key: 3, Add: store.Seen},
		{Key: 10, Add: store.Seen},
		{Key: 4, Add: store.Seen | store.Flagged},
		{Key: 6, Remove: store.Flagged}, {Key: 7, Remove: store.Flagged},
		{Key: 8, Add: store.Answered, Remove: store.Seen},
		{Key: 9},
	}
	if err := applyFlags(t, mb, changes); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`1:3,5,10 +FLAGS.SILENT (\Seen)`,
		`8 +FLAGS.SILENT (\Answered)`,
		`4 +FLAGS.SILENT (\Seen \Flagged)`,
		`8 -FLAGS.SILENT (\Seen)`,
		`6:7 -FLAGS.SILENT (\Flagged)`,
	}
	if got := fs.storesSent(); !slices.Equal(got, want) {
		t.Errorf("STORE commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	S, A, F := store.Seen, store.Answered, store.Flagged
	wantFlags := []store.Flags{S, S, S, S | F, S, 0, S, A, 0, S}
	if got := listedFlags(t, mb); !slices.Equal(got, wantFlags) {
		t.Errorf("listed after SetFlags: %v, want %v", got, wantFlags)
	}
	if err := applyFlags(t, mb, nil); err != nil || len(fs.storesSent()) != len(want) {
		t.Errorf("no changes: %v, %d commands in all", err, len(fs.storesSent()))
	}
}

// TestSetFlagsLongSet: a set of scattered UIDs (every second one of
// 6,000, 14 KB as text) is sent as two commands, each line within RFC
// 7162's 8,192 octets, both before the first answer, together every UID.
func TestSetFlagsLongSet(t *testing.T) {
	fs := startFlagServer(t, 6000, func(fs *flagServer) { fs.batch = 2 })
	_, mb, _ := fs.open(t, store.ReadWrite)
	var changes []store.FlagChange
	for uid := uint64(1); uid <= 6000; uid += 2 {
		changes = append(changes, store.FlagChange{Key: uid, Add: store.Seen})
	}
	if err := applyFlags(t, mb, changes); err != nil {
		t.Fatal(err)
	}
	stores := fs.storesSent()
	if len(stores) != 2 {
		t.Fatalf("%d STORE commands, want 2", len(stores))
	}
	for _, s := range stores {
		if n := len("T999 UID STORE " + s + "\r\n"); n > 8192 {
			t.Errorf("a command line of %d bytes", n)
		}
	}
	for i, f := range fs.flagsOf() {
		want := store.Flags(0)
		if i%2 == 0 {
			want = store.Seen
		}
		if f != want {
			t.Fatalf("UID %d has flags %v on the server, want %v", i+1, f, want)
		}
	}
}

// TestSetFlagsUnaskedAnswers: a server that answers the two STOREs with
// FETCH data nobody asked for (flags the messages do not get, a ghost,
// a literal, and 150 answers for the second command's UIDs before the
// first command ends, more than go-imap queues for a command whose
// answers are not being read) changes nothing: SetFlags succeeds
// without sending anything more, and the listing shows what the server
// holds.
func TestSetFlagsUnaskedAnswers(t *testing.T) {
	fs := startFlagServer(t, 300, func(fs *flagServer) {
		fs.batch = 2
		fs.answer = func(c *imapscript.Conn, pending []imapscript.Command) {
			for uid := 151; uid <= 300; uid++ {
				c.Writef("* %d FETCH (UID %d FLAGS (\\Deleted \\Draft))\r\n", uid, uid)
			}
			c.Write("* 999 FETCH (UID 7777 FLAGS (\\Flagged))\r\n")
			c.Write("* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\n")
			c.Write("* 2 FETCH (FLAGS (\\Deleted))\r\n")
			c.OK(pending[0], "stored")
			for uid := 1; uid <= 150; uid++ {
				c.Writef("* %d FETCH (UID %d MODSEQ (9) FLAGS (\\Deleted))\r\n", uid, uid)
			}
			c.OK(pending[1], "stored")
		}
	})
	_, mb, _ := fs.open(t, store.ReadWrite)
	var changes []store.FlagChange
	for uid := uint64(1); uid <= 300; uid++ {
		f := store.Seen
		if uid > 150 {
			f = store.Flagged
		}
		changes = append(changes, store.FlagChange{Key: uid, Add: f})
	}
	if err := applyFlags(t, mb, changes); err != nil {
		t.Fatalf("SetFlags: %v", err)
	}
	want := []string{`1:150 +FLAGS.SILENT (\Seen)`, `151:300 +FLAGS.SILENT (\Flagged)`}
	if got := fs.storesSent(); !slices.Equal(got, want) {
		t.Errorf("STORE commands %q, want %q", got, want)
	}
	got := listedFlags(t, mb)
	if !slices.Equal(got, fs.flagsOf()) {
		t.Errorf("listed flags differ from the server's: %v", got)
	}
	if got[0] != store.Seen || got[299] != store.Flagged {
		t.Errorf("flags %v and %v, want \\Seen and \\Flagged", got[0], got[299])
	}
}

// TestSetFlagsRefused: a NO to one STORE and a BAD to another fail
// SetFlags with both answers, naming the box and the server, after one
// command per set (no retry); the connection stays usable.
func TestSetFlagsRefused(t *testing.T) {
	fs := startFlagServer(t, 3, func(fs *flagServer) {
		fs.batch = 3
		fs.answer = func(c *imapscript.Conn, pending []imapscript.Command) {
			c.Write("* 2 FETCH (UID 2 FLAGS (\\Deleted))\r\n")
			c.OK(pending[0], "stored")
			c.Writef("%s NO [CANNOT] not today\r\n", pending[1].Tag)
			c.Writef("%s BAD what is that\r\n", pending[2].Tag)
		}
	})
	_, mb, _ := fs.open(t, store.ReadWrite)
	err := applyFlags(t, mb, []store.FlagChange{
		{Key: 1, Add: store.Seen}, {Key: 2, Add: store.Flagged}, {Key: 3, Remove: store.Seen},
	})
	if err == nil {
		t.Fatal("SetFlags succeeded")
	}
	for _, part := range []string{"box", fs.Addr, "[CANNOT] not today", "what is that", `2 +FLAGS.SILENT (\Flagged)`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q lacks %q", err, part)
		}
	}
	if n := len(fs.storesSent()); n != 3 {
		t.Errorf("%d STORE commands, want 3", n)
	}
	if got := listedFlags(t, mb); !slices.Equal(got, fs.flagsOf()) {
		t.Errorf("listed %v, server holds %v", got, fs.flagsOf())
	}
}

// TestSetFlagsRefusedLongSet: the error of a refused command with a
// long UID set names its start and its size, not every UID.
func TestSetFlagsRefusedLongSet(t *testing.T) {
	fs := startFlagServer(t, 300, func(fs *flagServer) {
		fs.answer = func(c *imapscript.Conn, pending []imapscript.Command) {
			c.Writef("%s NO full\r\n", pending[0].Tag)
		}
	})
	_, mb, _ := fs.open(t, store.ReadWrite)
	var changes []store.FlagChange
	for uid := uint64(1); uid <= 300; uid += 2 {
		changes = append(changes, store.FlagChange{Key: uid, Add: store.Seen})
	}
	err := applyFlags(t, mb, changes)
	if err == nil || !strings.Contains(err.Error(), "UID STORE 1,3,5,") || !strings.Contains(err.Error(), ",... (150 messages) +FLAGS.SILENT (\\Seen): full") {
		t.Errorf("SetFlags: %v", err)
	}
	if err != nil && len(err.Error()) > 200 {
		t.Errorf("a %d-byte error", len(err.Error()))
	}
}

// TestSetFlagsReadOnlySendsNothing: a box opened read-only refuses
// SetFlags with store.ErrReadOnly and sends no STORE.
func TestSetFlagsReadOnlySendsNothing(t *testing.T) {
	fs := startFlagServer(t, 2, nil)
	_, mb, _ := fs.open(t, store.ReadOnly)
	err := applyFlags(t, mb, []store.FlagChange{{Key: 1, Add: store.Seen}})
	if !errors.Is(err, store.ErrReadOnly) || !strings.Contains(err.Error(), "box") || !strings.Contains(err.Error(), fs.Addr) {
		t.Errorf("SetFlags on a read-only box: %v, want ErrReadOnly naming box and server", err)
	}
	if n := fs.Count("UID") - 1; n != 0 { // the listing's UID FETCH
		t.Errorf("%d commands sent for SetFlags, want none", n)
	}
}

// TestSetFlagsUnlisted: a key the listing did not give is an error
// before anything is sent (a UID STORE would silently skip it).
func TestSetFlagsUnlisted(t *testing.T) {
	fs := startFlagServer(t, 2, nil)
	_, mb, _ := fs.open(t, store.ReadWrite)
	err := applyFlags(t, mb, []store.FlagChange{{Key: 1, Add: store.Seen}, {Key: 9, Add: store.Seen}})
	if err == nil || !strings.Contains(err.Error(), "UID 9") {
		t.Errorf("SetFlags with UID 9: %v, want an error naming it", err)
	}
	if n := len(fs.storesSent()); n != 0 {
		t.Errorf("%d STORE commands, want none", n)
	}
}

// TestSetFlagsPermanentFlags: a flag the folder's PERMANENTFLAGS does
// not list is not sent and fails the call by name, the others are made;
// a list with \* keeps every flag, as does a SELECT without the list.
func TestSetFlagsPermanentFlags(t *testing.T) {
	changes := []store.FlagChange{
		{Key: 1, Add: store.Seen | store.Flagged}, {Key: 2, Remove: store.Answered}, {Key: 3, Add: store.Seen},
	}
	for _, c := range []struct {
		permanent string
		stores    []string
		unkept    string
	}{
		{`\Seen \Deleted`, []string{`1,3 +FLAGS.SILENT (\Seen)`}, `\Answered \Flagged`},
		{`\Seen \*`, []string{`3 +FLAGS.SILENT (\Seen)`, `1 +FLAGS.SILENT (\Seen \Flagged)`, `2 -FLAGS.SILENT (\Answered)`}, ""},
		{"", []string{`3 +FLAGS.SILENT (\Seen)`, `1 +FLAGS.SILENT (\Seen \Flagged)`, `2 -FLAGS.SILENT (\Answered)`}, ""},
	} {
		t.Run(fmt.Sprintf("%q", c.permanent), func(t *testing.T) {
			fs := startFlagServer(t, 3, func(fs *flagServer) {
				fs.permanent = c.permanent
				fs.flags[1] = store.Answered
			})
			_, mb, _ := fs.open(t, store.ReadWrite)
			checkStores(t, fs, applyFlags(t, mb, changes), c.unkept, c.stores)
		})
	}
}

// TestSetFlagsHugeLiteral: a literal larger than any that is drained, in
// the answer to a STORE, costs the connection, not the memory or the
// time to read it; the error says why.
func TestSetFlagsHugeLiteral(t *testing.T) {
	fs := startFlagServer(t, 1, func(fs *flagServer) {
		fs.answer = func(c *imapscript.Conn, pending []imapscript.Command) {
			c.Write("* 1 FETCH (UID 1 BODY[] {1073741824}\r\n")
			c.Write(strings.Repeat("x", 4096))
			c.Hang()
		}
	})
	_, mb, _ := fs.open(t, store.ReadWrite)
	err := applyFlags(t, mb, []store.FlagChange{{Key: 1, Add: store.Seen}})
	if err == nil || !strings.Contains(err.Error(), "unasked 1073741824-byte literal") {
		t.Errorf("SetFlags: %v, want the literal refused", err)
	}
	if _, err := mb.Messages(t.Context()); err == nil {
		t.Error("the mailbox still lists after its connection was dropped")
	}
}

// TestSetFlagsHeaderCache: with a header cache, a listing after SetFlags
// takes headers from the cache but flags from the server, in the same
// session and in the next one.
func TestSetFlagsHeaderCache(t *testing.T) {
	e := newCacheEnv(t)
	e.fill(t, "box", 3, time.UTC)
	mb := e.open(t, "box", store.ReadWrite, false)
	msgs, n := e.list(t, mb)
	if n != 3 {
		t.Fatalf("first listing fetched %d headers, want 3", n)
	}
	if err := applyFlags(t, mb, []store.FlagChange{{Key: msgs[0].Key, Add: store.Flagged | store.Draft}, {Key: msgs[2].Key, Add: store.Seen}}); err != nil {
		t.Fatal(err)
	}
	want := []store.Flags{store.Flagged | store.Draft, 0, store.Seen}
	for _, box := range []store.Mailbox{mb, e.open(t, "box", store.ReadWrite, false)} {
		got, n := e.list(t, box)
		if n != 0 {
			t.Errorf("%d headers fetched, want 0 (cached)", n)
		}
		for i, m := range got {
			if m.Flags&store.CopiedFlags != want[i] {
				t.Errorf("message %d: flags %v, want %v", i, m.Flags, want[i])
			}
		}
	}
}

// TestSetFlagsKeywords: keywords go in the same UID STORE commands as the
// flags, one per distinct set of flags and keywords; a folder whose
// PERMANENTFLAGS lack \* keeps no keywords (KeepsKeywords false): they
// are not sent, and the error names them.
func TestSetFlagsKeywords(t *testing.T) {
	changes := []store.FlagChange{
		{Key: 1, Add: store.Seen, AddKeywords: "$Junk"},
		{Key: 2, Add: store.Seen, AddKeywords: "$Junk"},
		{Key: 3, AddKeywords: store.KeywordsOf("work", "$Label1")},
		{Key: 4, Add: store.Seen, RemoveKeywords: "old"},
	}
	for _, c := range []struct {
		permanent string
		keeps     bool
		stores    []string
		unkept    string
	}{
		{`\Seen \Flagged \*`, true, []string{
			`3 +FLAGS.SILENT ($Label1 work)`, `4 +FLAGS.SILENT (\Seen)`, `1:2 +FLAGS.SILENT (\Seen $Junk)`, `4 -FLAGS.SILENT (old)`,
		}, ""},
		{`\Seen \Flagged`, false, []string{`1:2,4 +FLAGS.SILENT (\Seen)`}, "$Junk $Label1 old work"},
	} {
		t.Run(c.permanent, func(t *testing.T) {
			fs := startFlagServer(t, 4, func(fs *flagServer) { fs.permanent = c.permanent })
			_, mb, _ := fs.open(t, store.ReadWrite)
			if got := store.KeepsKeywords(mb); got != c.keeps {
				t.Errorf("KeepsKeywords %v, want %v", got, c.keeps)
			}
			checkStores(t, fs, applyFlags(t, mb, changes), c.unkept, c.stores)
		})
	}
}

// checkStores checks the error of a SetFlags call (none, or one naming
// unkept as not kept) and the STORE commands fs received.
func checkStores(t *testing.T, fs *flagServer, err error, unkept string, stores []string) {
	t.Helper()
	switch {
	case unkept == "" && err != nil:
		t.Errorf("SetFlags: %v", err)
	case unkept != "" && (err == nil || !strings.Contains(err.Error(), "does not keep "+unkept)):
		t.Errorf("SetFlags: %v, want an error naming %s", err, unkept)
	}
	if got := fs.storesSent(); !slices.Equal(got, stores) {
		t.Errorf("STORE commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(stores, "\n"))
	}
}
