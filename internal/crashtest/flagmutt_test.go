package crashtest

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// TestMuttDuringFlagSession: a store session in another process has set
// the flags of most messages of an mbox (written at its Close, in one
// rewrite: doc/design/mbox.md, "Flag rewrites") when a simulated mutt
// (mutt_test.go) starts appending mail and flagging other messages. The
// session holds the box's dotlock (and fcntl lock) from its open to the
// end of its rewrite, so mutt waits, and works on the rewritten file:
// afterwards every change of both is there, read so by Python's mailbox
// module and by the store. Run on a box without room for changes in
// place (rewritten) and on one with c-client's padding (written in place,
// doc/design/mbox.md, "Flag changes in place").
func TestMuttDuringFlagSession(t *testing.T) {
	t.Parallel()
	for _, room := range []bool{false, true} {
		t.Run(map[bool]string{false: "rewrite", true: "in place"}[room], func(t *testing.T) {
			t.Parallel()
			muttDuringFlagSession(t, room)
		})
	}
}

func muttDuringFlagSession(t *testing.T, room bool) {
	seed := testSeed(t)
	fm := genFlagMboxRoom(300, 600, room, room)
	home := flagHome(t, fm.data)
	path := filepath.Join(home, "mail", "box")
	flaggable := map[string]bool{}
	for i, id := range fm.ids {
		if (flagChange(i).Add|flagChange(i).Remove)&store.Flagged == 0 {
			flaggable[id] = true // the session leaves \Flagged alone
		}
	}
	client := &mutt{path: path, r: rand.New(rand.NewPCG(seed, 3)), flaggable: flaggable, flagged: map[string]bool{}}

	c := startFlagChild(t, home, "box", true)
	lock, err := os.ReadFile(path + ".lock")
	if err != nil || strings.TrimSpace(string(lock)) != strconv.Itoa(c.cmd.Process.Pid) {
		c.kill()
		t.Fatalf("the session does not hold the dotlock: %q, %v", lock, err)
	}
	done := make(chan error, 1)
	go func() {
		for range 12 {
			if err := client.step(t.Context()); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	c.finish(t)
	if err := <-done; err != nil {
		t.Fatalf("seed %d: client: %v", seed, err)
	}
	t.Logf("seed %d: the client appended %d and flagged %d messages, waiting %v for locks", seed, len(client.appended), len(client.flagged), client.waits)

	want := map[string]store.Flags{}
	var order []string
	for i, id := range fm.ids {
		f := fm.after(i)
		if client.flagged[id] {
			f |= store.Flagged
		}
		want[id] = f
		order = append(order, id)
	}
	for _, id := range client.appended {
		want[id] = 0
		order = append(order, id)
	}
	if got := pyFlags(t, path); got != nil {
		if len(got) != len(order) {
			t.Fatalf("seed %d: python reads %d messages, want %d", seed, len(got), len(order))
		}
		for i, l := range got {
			id, fl, _ := strings.Cut(l, " ")
			if id != order[i] || fl != letters(want[id]) {
				t.Errorf("seed %d: python: message %d is %q, want %s %s", seed, i, l, order[i], letters(want[order[i]]))
			}
		}
	}
	ctx := context.Background()
	mb, err := local.New(store.Env{Home: home, User: "user", Host: "host.example.org"}).Open(ctx, "mail/box", store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	ms, err := mb.Messages(ctx)
	if err != nil || len(ms) != len(order) {
		t.Fatalf("seed %d: the store reads %d messages (%v), want %d", seed, len(ms), err, len(order))
	}
	for i, m := range ms {
		if !strings.Contains(string(m.Header), order[i]) || m.Flags&store.CopiedFlags != want[order[i]]&store.CopiedFlags {
			t.Errorf("seed %d: message %d: flags %v, header %q; want %s %v", seed, i, m.Flags, m.Header, order[i], want[order[i]])
		}
	}
}
