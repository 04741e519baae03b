package crashtest

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
)

// TestSecondRunRefused starts a second sync of the same channel while a
// 5,000-message sync holds the msinfo lock: it must refuse with the lock error
// of doc/design/decisions.md#d9-msinfo-safety, naming the first run's pid,
// exit 1 and touch no box; the first run must finish normally.
func TestSecondRunRefused(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	writeLocalWorld(t, h, genLayout(3, 5000, "C"))
	first := h.start("ch")
	pid := strconv.Itoa(first.cmd.Process.Pid)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(h.path(".msinfo.lock"))
		if err == nil && strings.TrimSpace(string(b)) == pid {
			break
		}
		select {
		case <-first.done:
			t.Fatalf("the first run ended before its lock was seen: exit %d\n%s", first.res.code, first.res.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never took the msinfo lock")
		}
		time.Sleep(time.Millisecond)
	}
	second := h.run("ch")
	running := true
	select {
	case <-first.done:
		running = false
	default:
	}
	want := "Error: msinfo .msinfo is locked by another mailsync (pid " + pid + ")\n"
	if second.code != 1 || second.stderr != want {
		t.Errorf("second run: exit %d, stderr %q; want exit 1, %q", second.code, second.stderr, want)
	}
	if second.stdout != "Synchronizing stores \"a\" <-> \"b\"...\n" {
		t.Errorf("second run printed more than its first line:\n%s", second.stdout)
	}
	res := first.wait(t, runLimit)
	if res.code != 0 {
		t.Errorf("first run: exit %d\n%s", res.code, res.stderr)
	}
	if !running {
		t.Log("the first run had ended when the second did; the refusal was still checked while it ran")
	}
	t.Logf("first run %v, second %v", res.dur.Round(time.Millisecond), second.dur.Round(time.Millisecond))
	if s := strays(h.dir); len(s) > 0 {
		t.Errorf("left behind: %v", s)
	}
	again := h.run("ch")
	if again.code != 0 || strings.Contains(again.stdout, "copied") {
		t.Errorf("a third run still had work (exit %d):\n%s%s", again.code, again.stdout, again.stderr)
	}
}

// TestMuttConcurrent runs a simulated mutt (see mutt) on mail/a/inbox
// while mailsync syncs the 5,000-message local world, then runs mailsync
// once more. The mbox must parse and hold every message the client
// appended and every message mailsync copied in, once each, and every
// message the client flagged must still be flagged.
func TestMuttConcurrent(t *testing.T) {
	t.Parallel()
	seed := testSeed(t)
	l := genLayout(seed, 5000, "M")
	h := newHome(t)
	writeLocalWorld(t, h, l)
	onB, inLast := idSet(l.b["inbox"]), map[string]bool{}
	for _, id := range l.last["inbox"] {
		inLast[id] = true
	}
	flaggable := map[string]bool{}
	for _, m := range l.a["inbox"] {
		if onB[m.id] || !inLast[m.id] {
			flaggable[m.id] = true
		}
	}
	var copiedIn []string // what the sync copies from b's inbox
	for _, m := range l.b["inbox"] {
		if !idSet(l.a["inbox"])[m.id] && !inLast[m.id] {
			copiedIn = append(copiedIn, m.id)
		}
	}
	client := &mutt{path: h.path("mail/a/inbox"), r: rand.New(rand.NewPCG(seed, 2)), flaggable: flaggable, flagged: map[string]bool{}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clientErr := make(chan error, 1)
	p := h.start("ch")
	go func() {
		for ctx.Err() == nil {
			if err := client.step(ctx); err != nil {
				if ctx.Err() != nil {
					err = nil
				}
				clientErr <- err
				return
			}
			time.Sleep(time.Duration(client.r.IntN(2000)) * time.Microsecond)
		}
		clientErr <- nil
	}()
	res := p.wait(t, runLimit)
	cancel()
	if err := <-clientErr; err != nil {
		t.Fatalf("seed %d: client: %v", seed, err)
	}
	t.Logf("mailsync %v; the client did %d operations (%d appends, %d flags), waiting %v for locks",
		res.dur.Round(time.Millisecond), client.ops, len(client.appended), len(client.flagged), client.waits.Round(time.Millisecond))
	if res.code != 0 && onlyStrayBoxErrors(res.stderr) {
		// Known bug (TestLiveDotlockListed): the client's dotlock,
		// present while mailsync listed the store, was listed as a box.
		t.Logf("seed %d: known bug: the client's dotlock was listed as a box:\n%s", seed, res.stderr)
	} else if res.code != 0 {
		t.Fatalf("seed %d: mailsync exit %d\n%s", seed, res.code, res.stderr)
	}
	check := func(when string) {
		sn, err := readLocal(t.Context(), h, false)
		if err != nil {
			t.Fatalf("seed %d, %s: %v", seed, when, err)
		}
		inbox := sn.a["inbox"]
		for _, id := range append(append([]string{}, client.appended...), copiedIn...) {
			if r := inbox[id]; r == nil || r.count != 1 {
				t.Errorf("seed %d, %s: %s is in mail/a/inbox %d times, want once", seed, when, id, count(r))
			}
		}
		for id := range client.flagged {
			if r := inbox[id]; r == nil || r.flags&store.Flagged == 0 {
				t.Errorf("seed %d, %s: the client's flag on %s was lost (%+v)", seed, when, id, r)
			}
		}
		if d := sn.dups(); len(d) > 0 {
			t.Errorf("seed %d, %s: duplicates %v", seed, when, first(d, 10))
		}
	}
	check("after the concurrent sync")
	again := h.run("ch")
	if again.code != 0 {
		t.Fatalf("seed %d: second sync exit %d\n%s", seed, again.code, again.stderr)
	}
	check("after a second sync")
	sn, err := readLocal(t.Context(), h, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range client.appended {
		if sn.b["inbox"][id] == nil {
			t.Errorf("seed %d: the client's %s never reached store b", seed, id)
		}
	}
}

func idSet(ms []mail) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		out[m.id] = true
	}
	return out
}

func count(r *rec) int {
	if r == nil {
		return 0
	}
	return r.count
}
