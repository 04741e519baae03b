package imap_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/dovecot"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/imap"
)

// SetFlags against a real Dovecot (doc/design/flags.md, "Backends").

// TestSetFlagsDovecotMany: 300 messages in two sets on a real Dovecot
// whose connection has CONDSTORE enabled (by the STATUS of a
// signature), on which a server answers even a .SILENT STORE with a
// FETCH (UID MODSEQ) per message: more than go-imap queues per command.
// The flags read back in the session and in the next, and the
// signature moves.
func TestSetFlagsDovecotMany(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	st := dovecotStore(t, d, "/notls", false, "")
	defer st.Close()
	ctx := t.Context()
	name := fmt.Sprintf("%sflags%d", d.Prefix, folderSeq.Add(1))
	if err := st.Create(ctx, name); err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		appendMsg(t, mb, fmt.Sprintf("<%d@flags>", i), "body", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	}
	mb.Close()
	old, ok := st.Signature(ctx, name)
	if !ok {
		t.Fatal("no signature from Dovecot")
	}
	mb, err = st.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != 300 {
		t.Fatalf("Messages: %d, %v", len(msgs), err)
	}
	var changes []store.FlagChange
	want := make([]store.Flags, len(msgs))
	for i, m := range msgs {
		want[i] = store.Seen
		if i%2 == 1 {
			want[i] = store.Flagged | store.Answered
		}
		changes = append(changes, store.FlagChange{Key: m.Key, Add: want[i]})
	}
	if err := applyFlags(t, mb, changes); err != nil {
		t.Fatal(err)
	}
	if got := listedFlags(t, mb); !slices.Equal(got, want) {
		t.Errorf("same session: flags differ (first %v, want %v)", got[:2], want[:2])
	}
	mb.Close()
	mb, err = st.Open(ctx, name, store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if got := listedFlags(t, mb); !slices.Equal(got, want) {
		t.Errorf("next session: flags differ (first %v, want %v)", got[:2], want[:2])
	}
	// The store's one connection serves the open box: its signature
	// waits for it to close (pool.go).
	mb.Close()
	if now, ok := st.Signature(ctx, name); !ok || bytes.Equal(now, old) {
		t.Errorf("signature after the flag change: %q, %v (before %q)", now, ok, old)
	}
}

// TestSetFlagsOneRoundTrip: five sets of changes on a real Dovecot
// behind the relay cost the client one round trip (a client that waited
// for each answer would make five).
func TestSetFlagsOneRoundTrip(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	relay := startRelay(t, d.Addr(), 2*time.Millisecond)
	ctx := t.Context()
	st, err := imap.Dial(ctx, "{"+relay.Addr()+"/notls/user="+d.User+"}", imap.Options{Passwd: d.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	name := fmt.Sprintf("%sflags%d", d.Prefix, folderSeq.Add(1))
	if err := st.Create(ctx, name); err != nil {
		t.Fatal(err)
	}
	mb, err := st.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	for i := range 5 {
		appendMsg(t, mb, fmt.Sprintf("<%d@rt>", i), "body", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	}
	msgs, err := mb.Messages(ctx)
	if err != nil || len(msgs) != 5 {
		t.Fatalf("Messages: %d, %v", len(msgs), err)
	}
	sets := []store.Flags{store.Seen, store.Flagged, store.Answered, store.Draft, store.Seen | store.Draft}
	var changes []store.FlagChange
	for i, m := range msgs {
		changes = append(changes, store.FlagChange{Key: m.Key, Add: sets[i]})
	}
	before := relay.Stats()
	if err := applyFlags(t, mb, changes); err != nil {
		t.Fatal(err)
	}
	if rt := relay.Stats().Sub(before).RoundTrips(); rt != 1 {
		t.Errorf("SetFlags with 5 sets: %d round trips, want 1", rt)
	}
	for i, f := range listedFlags(t, mb) {
		if f != sets[i] {
			t.Errorf("message %d: flags %v, want %v", i, f, sets[i])
		}
	}
}

// TestSetFlagsConcurrentClient: another mail client (a second
// connection) changes flags of the same messages between our listing
// and our SetFlags: \Answered on a message we mark \Seen, \Seen cleared
// on one we flag. Both changes survive: SetFlags adds and removes only
// what it was asked to (doc/design/flags.md, "In the engine").
func TestSetFlagsConcurrentClient(t *testing.T) {
	d := dovecot.Shared(t, dovecot.Options{Delim: '/'})
	ours := dovecotStore(t, d, "/notls", false, "")
	defer ours.Close()
	other := dovecotStore(t, d, "/notls", false, "")
	defer other.Close()
	ctx := t.Context()
	name := fmt.Sprintf("%sconcurrent%d", d.Prefix, folderSeq.Add(1))
	if err := ours.Create(ctx, name); err != nil {
		t.Fatal(err)
	}
	mb, err := ours.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		appendMsg(t, mb, fmt.Sprintf("<%d@concurrent>", i), "body", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	}
	mb.Close()
	mine, err := ours.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	msgs, err := mine.Messages(ctx)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("Messages: %d, %v", len(msgs), err)
	}
	// The other client, between our listing and our change.
	theirs, err := other.Open(ctx, name, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := theirs.Messages(ctx)
	if err != nil || len(tm) != 2 {
		t.Fatalf("other client's Messages: %d, %v", len(tm), err)
	}
	if err := applyFlags(t, theirs, []store.FlagChange{
		{Key: tm[0].Key, Add: store.Answered},
		{Key: tm[1].Key, Add: store.Seen | store.Draft},
	}); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	if err := applyFlags(t, mine, []store.FlagChange{
		{Key: msgs[0].Key, Add: store.Seen},
		{Key: msgs[1].Key, Add: store.Flagged, Remove: store.Seen},
	}); err != nil {
		t.Fatal(err)
	}
	want := []store.Flags{store.Seen | store.Answered, store.Flagged | store.Draft}
	if got := listedFlags(t, mine); !slices.Equal(got, want) {
		t.Errorf("flags %v, want %v: the other client's change was lost", got, want)
	}
}
