package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// flagMbox is a generated mbox and the flags of its messages.
type flagMbox struct {
	data  []byte
	ids   []string
	flags []store.Flags // as the store reads them (Recent without O)
}

// genFlagMbox makes an mbox of n messages of about size bytes each, their
// status lines in the forms c-client, mutt and delivery agents leave
// (both lines, Status: alone, none, X-Status: with X-Keywords: and
// X-UID:), one in fifty with CRLF line ends.
func genFlagMbox(n, size int) flagMbox { return genFlagMboxRoom(n, size, false, false) }

// genFlagMboxRoom is genFlagMbox; with room every message's status block
// is padded as c-client pads it when it rewrites a file, so that flag
// changes fit in place (doc/design/mbox.md, "Flag changes in place").
// With aligned too, each message fills whole blocks of 4 KiB, so that no
// status block crosses one; else some do, and their changes are written
// through the flag journal.
func genFlagMboxRoom(n, size int, room, aligned bool) flagMbox {
	var fm flagMbox
	var b bytes.Buffer
	line := strings.Repeat("lorem ipsum dolor sit amet ", 2)[:50] + "\n"
	for i := range n {
		var m bytes.Buffer
		id := fmt.Sprintf("<fr-%d@crash.example>", i)
		fmt.Fprintf(&m, "From sender@example.org Mon Jan %2d 10:%02d:00 2024\nFrom: Sender <sender@example.org>\nSubject: message %d\nMessage-ID: %s\n", 1+i%28, i%60, i, id)
		var f store.Flags
		switch i % 4 {
		case 0:
			m.WriteString("Status: RO\nX-Status: F\n")
			f = store.Seen | store.Flagged
		case 1:
			m.WriteString("Status: O\n")
		case 2:
			f = store.Recent
		case 3:
			fmt.Fprintf(&m, "X-Status: A\nX-Keywords: work\nX-UID: %d\n", i+1)
			f = store.Answered | store.Recent
		}
		if room {
			m.Truncate(bytes.Index(m.Bytes(), []byte("Message-ID:")))
			fmt.Fprintf(&m, "Message-ID: %s\n%-50s\nX-UID: %d\n", id, statusBlock(f), i+1)
		}
		m.WriteString("\n")
		for m.Len() < size {
			m.WriteString(line)
		}
		m.WriteString("\n")
		text := m.Bytes()
		eol := "\n"
		if i%50 == 7 {
			eol = "\r\n"
			text = bytes.ReplaceAll(text, []byte("\n"), []byte(eol))
		}
		if room && aligned {
			// Each message fills whole blocks of 4 KiB, so that no status
			// block crosses one.
			fill := (4096 - len(text)%4096) % 4096
			if fill > 0 && fill < len(eol)+1 {
				fill += 4096
			}
			if fill > 0 {
				body := len(text) - len(eol)
				text = slices.Concat(text[:body], bytes.Repeat([]byte("x"), fill-len(eol)), []byte(eol), text[body:])
			}
		}
		b.Write(text)
		fm.ids = append(fm.ids, id)
		fm.flags = append(fm.flags, f)
	}
	fm.data = b.Bytes()
	return fm
}

// statusBlock is c-client's status block for flags f without its
// padding: Status:, X-Status:, X-Keywords: (one keyword on every fourth).
func statusBlock(f store.Flags) string {
	l := letters(f)
	st := strings.Map(func(r rune) rune { return map[bool]rune{true: r, false: -1}[r == 'R' || r == 'O'] }, l)
	var x []byte
	for _, c := range []byte("DFAT") {
		if strings.IndexByte(l, c) >= 0 {
			x = append(x, c)
		}
	}
	kw := ""
	if f&store.Answered != 0 {
		kw = " work"
	}
	return "Status: " + st + "\nX-Status: " + string(x) + "\nX-Keywords:" + kw
}

// after is the flags of message i once the child's change is made.
func (fm flagMbox) after(i int) store.Flags {
	c := flagChange(i)
	return (fm.flags[i] | c.Add) &^ c.Remove
}

// letters is how Python's mailbox module shows flags f: the letters of
// Status: and X-Status:, sorted.
func letters(f store.Flags) string {
	var s []byte
	for _, x := range []struct {
		f store.Flags
		c byte
	}{{store.Seen, 'R'}, {store.Deleted, 'D'}, {store.Flagged, 'F'}, {store.Answered, 'A'}, {store.Draft, 'T'}} {
		if f&x.f != 0 {
			s = append(s, x.c)
		}
	}
	if f&store.Recent == 0 {
		s = append(s, 'O')
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return string(s)
}

// checkFlagFile reads home/mail/box with Python's mailbox module and with
// the store (read-write, which takes over a killed child's lock and
// removes its rewrite's file): every message once, in order, each with
// the flags of the old file (newer false) or of the new one.
func checkFlagFile(t *testing.T, home string, fm flagMbox, newer, python bool) {
	t.Helper()
	want := func(i int) store.Flags {
		if newer {
			return fm.after(i)
		}
		return fm.flags[i]
	}
	path := filepath.Join(home, "mail", "box")
	if python {
		if got := pyFlags(t, path); got != nil {
			if len(got) != len(fm.ids) {
				t.Fatalf("python reads %d messages, want %d", len(got), len(fm.ids))
			}
			for i, l := range got {
				id, fl, _ := strings.Cut(l, " ")
				if id != fm.ids[i] || fl != letters(want(i)) {
					t.Fatalf("python: message %d is %q, want %s %s", i, l, fm.ids[i], letters(want(i)))
				}
			}
		}
	}
	ctx := context.Background()
	st := local.New(store.Env{Home: home, User: "user", Host: "host.example.org"})
	mb, err := st.Open(ctx, "mail/box", store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	err = mb.(store.Streamer).EachMessage(ctx, func(m store.Message) error {
		if i >= len(fm.ids) || !bytes.Contains(m.Header, []byte(fm.ids[i])) || m.Flags != want(i) {
			return fmt.Errorf("message %d: flags %v, header %q; want %s with %v", i, m.Flags, m.Header, fm.ids[min(i, len(fm.ids)-1)], want(i))
		}
		i++
		return nil
	})
	if err == nil && i != len(fm.ids) {
		err = fmt.Errorf("%d messages, want %d", i, len(fm.ids))
	}
	if cerr := mb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("store reader: %v", err)
	}
}

// TestKill9FlagRewrite kills a store session with SIGKILL while it
// writes the flags of many messages of a large mbox ("flags sync",
// doc/design/mbox.md, "Flag rewrites"), at moments drawn uniformly from
// an uninterrupted session's Close. The file must then be byte for byte
// either the old one or the new one (so every message is there, once,
// whole), read so by Python's mailbox module and by the store; the next
// read-write open removes the killed session's leftovers; a new session
// then ends where an uninterrupted one did. CRASHTEST_FLAG_MB sets the
// size (default 30 MB), CRASHTEST_KILLS the number of kills (default 8).
func TestKill9FlagRewrite(t *testing.T) {
	if testing.Short() {
		t.Skip("large mbox")
	}
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 7))
	const size = 2500
	fm := genFlagMbox(envInt(t, "CRASHTEST_FLAG_MB", 30)<<20/size, size)

	ref := flagHome(t, fm.data)
	c := startFlagChild(t, ref, "box", false)
	c.finish(t)
	closeDur := time.Since(c.ready)
	wantNew, err := os.ReadFile(filepath.Join(ref, "mail", "box"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(wantNew, fm.data) {
		t.Fatal("the uninterrupted session changed nothing")
	}
	checkFlagFile(t, ref, fm, true, true)
	t.Logf("%d messages, %d MB; uninterrupted close (the rewrite) %v", len(fm.ids), len(fm.data)>>20, closeDur.Round(time.Millisecond))

	pyChecked := map[bool]bool{true: true}
	outcomes := map[string]int{}
	for k := range envInt(t, "CRASHTEST_KILLS", 8) {
		home := flagHome(t, fm.data)
		c := startFlagChild(t, home, "box", false)
		at := time.Duration(r.Int64N(int64(closeDur)*6/5 + 1))
		time.Sleep(time.Until(c.ready.Add(at)))
		c.kill()
		got, err := os.ReadFile(filepath.Join(home, "mail", "box"))
		if err != nil {
			t.Fatalf("seed %d, kill %d at %v: %v", seed, k, at, err)
		}
		newer := bytes.Equal(got, wantNew)
		if !newer && !bytes.Equal(got, fm.data) {
			t.Fatalf("seed %d, kill %d at %v: the file is neither the old one nor the new one (%d bytes; old %d, new %d)", seed, k, at, len(got), len(fm.data), len(wantNew))
		}
		left := leftovers(home)
		state := map[bool]string{false: "old", true: "new"}[newer]
		outcomes[fmt.Sprintf("%s file, %d leftovers", state, len(left))]++
		// The bytes are those of one of two files: Python reads each once.
		checkFlagFile(t, home, fm, newer, !pyChecked[newer])
		pyChecked[newer] = true
		if l := leftovers(home); len(l) > 0 {
			t.Fatalf("seed %d, kill %d at %v: left after a read-write open: %v", seed, k, at, l)
		}
		c = startFlagChild(t, home, "box", false)
		c.finish(t)
		if again, _ := os.ReadFile(filepath.Join(home, "mail", "box")); !bytes.Equal(again, wantNew) {
			t.Fatalf("seed %d, kill %d at %v: a new session after the kill did not end as an uninterrupted one", seed, k, at)
		}
		os.RemoveAll(home)
	}
	t.Logf("outcomes: %v", outcomes)
}

// TestKill9FlagInPlace is TestKill9FlagRewrite on an mbox whose status
// blocks have room (c-client's padding), so that the session writes the
// flags in place (doc/design/mbox.md, "Flag changes in place"): killed at
// any moment, the file keeps its length and every byte outside the status
// blocks, and each message reads (by Python's mailbox module and by the
// store) with its old flags or its new ones; a new session ends where an
// uninterrupted one did.
func TestKill9FlagInPlace(t *testing.T) { killFlagsInPlace(t, true) }

// TestKill9FlagJournal is TestKill9FlagInPlace with messages of any
// length, so that some status blocks cross a 4 KiB boundary and their
// changes go through the flag journal (doc/design/mbox.md, "Changes
// across a block boundary"): killed at any moment, a message whose change
// the dotlock's journal names may be half-written, every other one is
// as before or after its change, and the next session finishes the
// half-written ones and ends where an uninterrupted one did.
func TestKill9FlagJournal(t *testing.T) { killFlagsInPlace(t, false) }

func killFlagsInPlace(t *testing.T, aligned bool) {
	if testing.Short() {
		t.Skip("large mbox")
	}
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 11))
	const size = 2500
	fm := genFlagMboxRoom(envInt(t, "CRASHTEST_FLAG_MB", 30)<<20/4096, size, true, aligned)

	ref := flagHome(t, fm.data)
	ino := fileInode(t, filepath.Join(ref, "mail", "box"))
	c := startFlagChild(t, ref, "box", false)
	c.finish(t)
	closeDur := time.Since(c.ready)
	wantNew, err := os.ReadFile(filepath.Join(ref, "mail", "box"))
	if err != nil {
		t.Fatal(err)
	}
	if len(wantNew) != len(fm.data) || fileInode(t, filepath.Join(ref, "mail", "box")) != ino {
		t.Fatalf("the uninterrupted session rewrote the file (%d bytes, was %d), not in place", len(wantNew), len(fm.data))
	}
	checkFlagFile(t, ref, fm, true, true)
	crossing := crossingChanges(fm.data, wantNew)
	if aligned != (crossing == 0) {
		t.Fatalf("%d changes cross a 4 KiB block", crossing)
	}
	t.Logf("%d messages, %d MB, %d changes across a block; uninterrupted close (in place) %v", len(fm.ids), len(fm.data)>>20, crossing, closeDur.Round(time.Millisecond))

	outcomes := map[string]int{}
	for k := range envInt(t, "CRASHTEST_KILLS", 8) {
		home := flagHome(t, fm.data)
		c := startFlagChild(t, home, "box", false)
		at := time.Duration(r.Int64N(int64(closeDur)*6/5 + 1))
		time.Sleep(time.Until(c.ready.Add(at)))
		c.kill()
		path := filepath.Join(home, "mail", "box")
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("seed %d, kill %d at %v: %v", seed, k, at, err)
		}
		lock, _ := os.ReadFile(path + ".lock")
		changed, torn := checkMixedFlagFile(t, path, got, fm, wantNew, journaledIn(lock))
		outcomes[fmt.Sprintf("%d of %d messages changed, %d half", changed, len(fm.ids), torn)]++
		c = startFlagChild(t, home, "box", false)
		c.finish(t)
		if again, _ := os.ReadFile(path); !bytes.Equal(again, wantNew) {
			t.Fatalf("seed %d, kill %d at %v: a new session after the kill did not end as an uninterrupted one", seed, k, at)
		}
		os.RemoveAll(home)
	}
	t.Logf("outcomes: %v", outcomes)
}

// crossingChanges counts the messages whose changed bytes between old
// and new (files of one length) cross a 4 KiB boundary.
func crossingChanges(old, new []byte) int {
	n := 0
	starts := messageStarts(old)
	for i, s := range starts {
		e := len(old)
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		first, last := -1, -1
		for j := s; j < e; j++ {
			if old[j] != new[j] {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first >= 0 && first/4096 != last/4096 {
			n++
		}
	}
	return n
}

// journaledIn returns whether the flag journal of a dotlock's content
// names a change within the bytes [s, e) (its "edit OFFSET OLD NEW"
// lines, flagjournal.go in package mbox).
func journaledIn(lock []byte) func(s, e int) bool {
	var offs []int
	for _, l := range strings.Split(string(lock), "\n") {
		var off int
		var old, new string
		if n, _ := fmt.Sscanf(l, "edit %d %s %s", &off, &old, &new); n == 3 {
			offs = append(offs, off)
		}
	}
	return func(s, e int) bool {
		return slices.ContainsFunc(offs, func(o int) bool { return o >= s && o < e })
	}
}

// checkMixedFlagFile checks a file killed during flag changes in place:
// the length of the old one, each message's bytes those of the old file
// or of the new one (whole status block), and its flags, by Python's
// mailbox module and by the store, the matching ones. It returns how
// many messages had their new bytes; and how many were half-written,
// which journaled allows (their flags are not checked).
func checkMixedFlagFile(t *testing.T, path string, got []byte, fm flagMbox, wantNew []byte, journaled func(s, e int) bool) (changed, torn int) {
	t.Helper()
	if len(got) != len(fm.data) {
		t.Fatalf("the file is %d bytes, was %d", len(got), len(fm.data))
	}
	starts := messageStarts(fm.data)
	newer := make([]bool, len(starts))
	half := make([]bool, len(starts))
	for i, s := range starts {
		e := len(got)
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		switch {
		case bytes.Equal(got[s:e], fm.data[s:e]):
		case bytes.Equal(got[s:e], wantNew[s:e]):
			newer[i] = true
			changed++
		case journaled(s, e):
			half[i] = true
			torn++
		default:
			t.Fatalf("message %d is neither as before nor as after its change:\n%q", i, got[s:min(e, s+400)])
		}
	}
	want := func(i int) store.Flags {
		if newer[i] {
			return fm.after(i)
		}
		return fm.flags[i]
	}
	if py := pyFlags(t, path); py != nil {
		for i, l := range py {
			if !half[i] && l != fm.ids[i]+" "+letters(want(i)) {
				t.Fatalf("python: message %d is %q, want %s %s", i, l, fm.ids[i], letters(want(i)))
			}
		}
	}
	ctx := context.Background()
	st := local.New(store.Env{Home: filepath.Dir(filepath.Dir(path)), User: "user", Host: "host.example.org"})
	mb, err := st.Open(ctx, "mail/box", store.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	ms, err := mb.Messages(ctx)
	if err != nil || len(ms) != len(fm.ids) {
		t.Fatalf("store reader: %d messages, %v", len(ms), err)
	}
	for i, m := range ms {
		if !half[i] && m.Flags != want(i) {
			t.Fatalf("store reader: message %d has flags %v, want %v", i, m.Flags, want(i))
		}
	}
	return changed, torn
}

// messageStarts are the offsets of the From_ lines of a generated mbox
// (each after a blank line, LF or CRLF).
func messageStarts(data []byte) []int {
	starts := []int{0}
	for i := 1; ; {
		j := bytes.Index(data[i:], []byte("\nFrom "))
		if j < 0 {
			return starts
		}
		i += j + 1
		if bytes.HasSuffix(data[:i], []byte("\n\n")) || bytes.HasSuffix(data[:i], []byte("\n\r\n")) {
			starts = append(starts, i)
		}
	}
}

func fileInode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}
