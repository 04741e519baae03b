package mbox

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// padded is s (a status block from "Status:" to the end of the
// X-Keywords: line) padded with spaces to c-client's 50 bytes.
func padded(s string) string { return s + strings.Repeat(" ", statusRoom-len(s)) }

// TestAppendFlagRoom: an append asked for room pads the X-Keywords: line
// as c-client pads it when it rewrites (the block is 50 bytes from
// "Status:"); without, the append form is c-client's, unpadded.
func TestAppendFlagRoom(t *testing.T) {
	for _, c := range []struct {
		f    store.Flags
		room bool
		want string
	}{
		{0, false, "Status: \nX-Status: \nX-Keywords:\n"},
		{0, true, padded("Status: \nX-Status: \nX-Keywords:") + "\n"},
		{store.Seen | store.Flagged | store.Answered, true, padded("Status: R\nX-Status: FA\nX-Keywords:") + "\n"},
		{store.Seen | store.Deleted | store.Flagged | store.Answered | store.Draft, true, padded("Status: R\nX-Status: DFAT\nX-Keywords:") + "\n"},
	} {
		var b bytes.Buffer
		m := store.NewMessage{Flags: c.f, FlagRoom: c.room, Body: strings.NewReader("Subject: x\r\n\r\nbody\r\n")}
		if _, err := WriteAppend(&b, env(), m); err != nil {
			t.Fatal(err)
		}
		_, got, _ := strings.Cut(b.String(), "\n")
		if !strings.HasPrefix(got, c.want+"Subject: x\n") {
			t.Errorf("flags %v room %v: %q, want the block %q", c.f, c.room, got, c.want)
		}
	}
}

// roomFile has messages whose status blocks have room: c-client's
// rewrite form (X-UID after the block, a keyword), a CRLF one, one whose
// Status: line a mail reader moved to the end of the header, and our
// append form with room.
var roomFile = "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nMessage-ID: <1@x>\n" + padded("Status: RO\nX-Status: F\nX-Keywords: work") + "\nX-UID: 1\n\nbody one\n\n" +
	"From a@b Mon Jan  1 10:00:01 2024\r\nSubject: two\r\n" + strings.ReplaceAll(padded("Status: O\nX-Status: \nX-Keywords:"), "\n", "\r\n") + "\r\n\r\nbody two\r\n\r\n" +
	"From a@b Mon Jan  1 10:00:02 2024\nSubject: three\nX-Status: A\nX-Keywords:" + strings.Repeat(" ", 30) + "\nX-UID: 3\nStatus: O\n\nbody three\n\n" +
	"From a@b Mon Jan  1 10:00:03 2024\n" + padded("Status: \nX-Status: \nX-Keywords:") + "\nSubject: four\n\nbody four\n\n"

// TestFlagsInPlaceBytes: when every changed message has room, Close
// writes the new status lines in place (same file, same length), taking
// the difference from the X-Keywords: padding and keeping its keywords,
// every other byte as it was.
func TestFlagsInPlaceBytes(t *testing.T) {
	b, path, ms := openFlags(t, roomFile)
	ino := inode(t, path)
	err := b.SetFlags(ctx, []store.FlagChange{
		{Key: ms[0].Key, Remove: store.Seen | store.Flagged, Add: store.Answered | store.Draft},
		{Key: ms[1].Key, Add: store.Seen | store.Flagged},
		{Key: ms[2].Key, Add: store.Seen | store.Flagged, Remove: store.Answered},
		{Key: ms[3].Key, Add: store.Seen | store.Flagged | store.Answered | store.Draft},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want := "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\nMessage-ID: <1@x>\n" + padded("Status: O\nX-Status: AT\nX-Keywords: work") + "\nX-UID: 1\n\nbody one\n\n" +
		"From a@b Mon Jan  1 10:00:01 2024\r\nSubject: two\r\n" + "Status: RO\r\nX-Status: F\r\nX-Keywords:" + strings.Repeat(" ", 16) + "\r\n\r\nbody two\r\n\r\n" +
		"From a@b Mon Jan  1 10:00:02 2024\nSubject: three\nX-Status: F\nX-Keywords:" + strings.Repeat(" ", 29) + "\nX-UID: 3\nStatus: RO\n\nbody three\n\n" +
		"From a@b Mon Jan  1 10:00:03 2024\n" + padded("Status: R\nX-Status: FAT\nX-Keywords:") + "\nSubject: four\n\nbody four\n\n"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("file after Close:\n%q\nwant\n%q", got, want)
	}
	if inode(t, path) != ino {
		t.Error("the file was rewritten, not changed in place")
	}
	again, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	after, err := again.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := []store.Flags{store.Answered | store.Draft, store.Seen | store.Flagged, store.Seen | store.Flagged,
		store.Seen | store.Flagged | store.Answered | store.Draft | store.Recent}
	for i, m := range after {
		if m.Flags != wantFlags[i] || m.Size != ms[i].Size {
			t.Errorf("message %d read again: flags %v size %d, want %v %d", i, m.Flags, m.Size, wantFlags[i], ms[i].Size)
		}
	}
}

// TestFlagsInPlaceFallsBack: one changed message without the room makes
// Close rewrite the file (a new file renamed over the box) with every
// change in it, as before. A change across a 4 KiB block is written in
// place, journaled in the dotlock first (flagjournal.go).
func TestFlagsInPlaceFallsBack(t *testing.T) {
	noRoom := "From a@b Mon Jan  1 10:00:09 2024\nSubject: no room\nStatus: O\nX-Status: \nX-Keywords:\n\nbody\n\n"
	twoKw := "From a@b Mon Jan  1 10:00:09 2024\nSubject: two lines\nX-Keywords:\n" + padded("Status: O\nX-Status: \nX-Keywords:") + "\n\nbody\n\n"
	// The filler puts the changed bytes of "cross" (from the X-Status:
	// value to the end of "X-Keywords:") across offset 4096.
	cross := func(fill int) string {
		return "From a@b Mon Jan  1 10:00:09 2024\nSubject: cross\nX-Fill: " + strings.Repeat("f", fill) + "\n" + padded("Status: O\nX-Status: \nX-Keywords:") + "\n\nbody\n\n"
	}
	at := len(roomFile) + len("From a@b Mon Jan  1 10:00:09 2024\nSubject: cross\nX-Fill: \nStatus: O\nX-Status: ")
	for _, c := range []struct {
		name, last string
		inPlace    bool
	}{
		{"no room", noRoom, false},
		{"two X-Keywords lines", twoKw, false},
		{"across a block", cross(4096 - at - 5), true},
		{"inside a block", cross(4096 - at + 1), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, path, ms := openFlags(t, roomFile+c.last)
			ino := inode(t, path)
			if err := b.SetFlags(ctx, []store.FlagChange{
				{Key: ms[1].Key, Add: store.Flagged},
				{Key: ms[4].Key, Add: store.Flagged},
			}); err != nil {
				t.Fatal(err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if got := inode(t, path) == ino; got != c.inPlace {
				t.Errorf("changed in place: %v, want %v", got, c.inPlace)
			}
			again, err := Open(path, store.ReadOnly, env())
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			after, err := again.Messages(ctx)
			if err != nil || len(after) != 5 {
				t.Fatalf("read again: %d messages, %v", len(after), err)
			}
			for _, i := range []int{1, 4} {
				if after[i].Flags&store.Flagged == 0 {
					t.Errorf("message %d lost its change: %v", i, after[i].Flags)
				}
			}
		})
	}
}

// TestFlagsInPlaceChangedBehind: a header another program changed
// behind the session's locks fails the Close and nothing is written.
func TestFlagsInPlaceChangedBehind(t *testing.T) {
	b, path, ms := openFlags(t, roomFile)
	if err := b.SetFlags(ctx, []store.FlagChange{{Key: ms[1].Key, Add: store.Flagged}}); err != nil {
		t.Fatal(err)
	}
	behind := strings.Replace(roomFile, "Status: O\r\n", "Status: R\r\n", 1)
	if err := os.WriteFile(path, []byte(behind), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err == nil || !strings.Contains(err.Error(), "changed by another program") {
		t.Errorf("Close: %v, want the change behind the session named", err)
	}
	if got, _ := os.ReadFile(path); string(got) != behind {
		t.Error("the file was written after all")
	}
}

// TestRestatusInPlaceGenerated: over generated headers (status lines
// present or not, anywhere, X-Keywords: with words and padding, CRLF,
// folded lines) and wanted flags and keywords, a header written in place
// is as long as the old one and, but for the X-Keywords: padding, the
// bytes a rewrite writes; it reads back as the wanted flags and
// keywords.
func TestRestatusInPlaceGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 15))
	pick := func(s string) string {
		var b []byte
		for i := range len(s) {
			if r.IntN(2) == 0 {
				b = append(b, s[i])
			}
		}
		return string(b)
	}
	words := []string{"$Junk", "work", "later", "$Label1"}
	inPlace := 0
	for n := range 4000 {
		lines := []string{"Subject: s " + strconv.Itoa(n), "From: a@b", "Message-ID: <" + strconv.Itoa(n) + "@x>", " folded"}
		if r.IntN(4) > 0 {
			lines = append(lines, "Status: "+pick("RO"))
		}
		if r.IntN(4) > 0 {
			lines = append(lines, "X-Status: "+pick("DFAT"))
		}
		for range r.IntN(3) {
			kw := "X-Keywords:"
			for _, w := range words {
				if r.IntN(3) == 0 {
					kw += " " + w
				}
			}
			lines = append(lines, kw+strings.Repeat(" ", r.IntN(40)))
		}
		r.Shuffle(len(lines)-1, func(i, j int) { lines[i+1], lines[j+1] = lines[j+1], lines[i+1] })
		h := strings.Join(lines, "\n") + "\n\n"
		if r.IntN(5) == 0 {
			h = strings.ReplaceAll(h, "\n", "\r\n")
		}
		f := store.Flags(r.IntN(64)) & (store.SyncedFlags | store.Deleted)
		if r.IntN(2) == 0 {
			f |= store.Recent
		}
		var kw []byte
		if r.IntN(2) == 0 {
			kw = []byte{}
			for _, w := range words {
				if r.IntN(2) == 0 {
					kw = append(kw, " "+w...)
				}
			}
		}
		out, ok, err := restatusInPlace(nil, []byte(h), f, kw, []byte("\n"))
		if err != nil {
			t.Fatalf("header %q, flags %v, keywords %q: %v", h, f, kw, err)
		}
		if !ok {
			continue
		}
		inPlace++
		if len(out) != len(h) {
			t.Fatalf("header %q: written in place as %q, %d bytes instead of %d", h, out, len(out), len(h))
		}
		rewritten, err := restatus(nil, []byte(h), f, kw, []byte("\n"))
		if err != nil {
			t.Fatal(err)
		}
		unpad := func(b []byte) string {
			var ls []string
			for _, l := range strings.SplitAfter(string(b), "\n") {
				if strings.HasPrefix(l, "X-Keywords:") {
					end := strings.TrimLeft(l[strings.IndexAny(l, "\r\n"):], " ")
					l = strings.TrimRight(l[:strings.IndexAny(l, "\r\n")], " ") + end
				}
				ls = append(ls, l)
			}
			return strings.Join(ls, "")
		}
		if unpad(out) != unpad(rewritten) {
			t.Fatalf("header %q: in place %q, a rewrite %q", h, out, rewritten)
		}
		if got, _ := headerFacts(out); got != f {
			t.Fatalf("header %q: in place %q reads as %v, want %v", h, out, got, f)
		}
		want := headerKeywords([]byte(h))
		if kw != nil {
			want = bytes.Fields(kw)
		}
		if got := headerKeywords(out); !slices.EqualFunc(got, want, bytes.Equal) {
			t.Fatalf("header %q: in place %q has keywords %q, want %q", h, out, got, want)
		}
	}
	t.Logf("%d of 4000 headers written in place", inPlace)
	if inPlace < 500 {
		t.Errorf("only %d of 4000 headers written in place", inPlace)
	}
}

// FuzzSetFlags sets flags (and keywords, where the box keeps them) on
// every message of any mbox the reader accepts and closes it (in place
// or by a rewrite): each message must then read back with the flags and
// keywords set and its text, date and header as they were.
func FuzzSetFlags(f *testing.F) {
	for _, s := range []string{flagsFile, roomFile, kwFile, kwPseudo + roomFile,
		"From a@b Mon Jan  1 10:00:00 2024\nX-Keywords: a\nX-Keywords:     \nStatus: RO\n\nbody\n",
		"From a@b Mon Jan  1 10:00:00 2024\r\nX-IMAPbase: 5 7 a b\r\nX-Keywords: b" + strings.Repeat(" ", 30) + "\r\n\r\nx\r\n",
	} {
		f.Add([]byte(s))
	}
	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "box"+strconv.FormatInt(fuzzSeq.Add(1), 10))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		b, ms, before, err := readAll(t, path, store.ReadWrite)
		if err != nil {
			return // refused: FuzzRead's business
		}
		keeps := b.KeepsKeywords()
		declaredBefore := slices.Clone(b.decl.names)
		changes := make([]store.FlagChange, len(ms))
		want := make([]store.Flags, len(ms))
		wantKw := make([]store.Keywords, len(ms))
		for i, m := range ms {
			c := store.FlagChange{Key: m.Key}
			switch i % 3 {
			case 0:
				c.Add, c.Remove = store.Flagged|store.Answered, store.Seen
			case 1:
				c.Add, c.Remove = store.Seen|store.Draft, store.Flagged
			}
			if keeps {
				switch i % 2 {
				case 0:
					c.AddKeywords = "work"
				case 1:
					c.RemoveKeywords, c.AddKeywords = m.Keywords, "$Junk"
				}
			}
			changes[i] = c
			want[i] = c.Apply(m.Flags) & store.SyncedFlags
			wantKw[i] = m.Keywords.Apply(c.AddKeywords, c.RemoveKeywords)
		}
		if err := b.SetFlags(ctx, changes); err != nil {
			b.Close()
			if strings.Contains(err.Error(), "keywords already") {
				return // c-client's 30 declared keywords
			}
			t.Fatalf("SetFlags: %v", err)
		}
		if err := b.Close(); err != nil {
			// Refusals that leave the file as it was: a header the
			// status lines have no place in, one too large to hold.
			now, _ := os.ReadFile(path)
			if (strings.Contains(err.Error(), "no place for the status lines") ||
				strings.Contains(err.Error(), "too large to rewrite")) && bytes.Equal(now, data) {
				return
			}
			t.Fatalf("Close: %v\n%q", err, data)
		}
		again, ms2, after, err := readAll(t, path, store.ReadOnly)
		if err != nil {
			now, _ := os.ReadFile(path)
			t.Fatalf("the file written cannot be read: %v\nbefore %q\nafter  %q", err, data, now)
		}
		defer again.Close()
		if len(after) != len(before) {
			now, _ := os.ReadFile(path)
			t.Fatalf("%d messages after, %d before\nbefore %q\nafter  %q", len(after), len(before), data, now)
		}
		for i := range after {
			now, _ := os.ReadFile(path)
			if after[i].text != before[i].text || after[i].date != before[i].date || after[i].hdr != before[i].hdr {
				t.Fatalf("message %d changed:\n got %+v\nwant %+v\nbefore %q\nafter  %q", i, after[i], before[i], data, now)
			}
			if got := ms2[i].Flags & store.SyncedFlags; got != want[i] {
				t.Fatalf("message %d: flags %v, want %v\nbefore %q\nafter  %q", i, got, want[i], data, now)
			}
			if keeps && (unexplained(ms2[i].Keywords.Minus(wantKw[i]), declaredBefore, data) || wantKw[i].Minus(ms2[i].Keywords) != "") {
				t.Fatalf("message %d: keywords %q, want %q\nbefore %q\nafter  %q", i, ms2[i].Keywords, wantKw[i], data, now)
			}
		}
	})
}

// unexplained reports whether extra (keywords a message has beyond those
// set) holds one that is not another program's tag made a keyword by
// the session's declaring it: a name the box did not declare before,
// found in the file.
func unexplained(extra store.Keywords, declaredBefore []string, data []byte) bool {
	for _, n := range extra.Names() {
		declared := slices.ContainsFunc(declaredBefore, func(d string) bool { return strings.EqualFold(d, n) })
		if declared || !bytes.Contains(bytes.ToLower(data), []byte(strings.ToLower(n))) {
			return true
		}
	}
	return false
}
