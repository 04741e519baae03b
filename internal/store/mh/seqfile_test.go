package mh

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

func TestParseNumSet(t *testing.T) {
	cases := []struct {
		in, want string
		bad      int
	}{
		{"", "", 0},
		{" 1-3 5 7", "1-3 5 7", 0},
		{"7 5 1-3", "1-3 5 7", 0},
		{"1 2 3 4", "1-4", 0},
		{"1-3 2-6 8", "1-6 8", 0},
		{"\t4\r\n 5-6\n", "4-6", 0},
		{"x 3 5-2 0 -1 7- 9", "3 9", 5},
		{"4611686018427387904 4611686018427387905", "4611686018427387904", 1},
		{"99999999999999999999999", "", 1},
	}
	for _, c := range cases {
		s, bad := parseNumSet(c.in)
		if s.String() != c.want || bad != c.bad {
			t.Errorf("parseNumSet(%q) = %q, %d bad; want %q, %d", c.in, s, bad, c.want, c.bad)
		}
	}
}

// TestNumSetOps checks add, remove and has against a plain map.
func TestNumSetOps(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var s numSet
	model := map[uint64]bool{}
	for i := 0; i < 20000; i++ {
		n := uint64(r.Intn(60) + 1)
		if r.Intn(2) == 0 {
			s.add(n)
			model[n] = true
		} else {
			s.remove(n)
			delete(model, n)
		}
		for k := uint64(0); k <= 61; k++ {
			if s.has(k) != model[k] {
				t.Fatalf("step %d: has(%d) = %v, model %v; set %s", i, k, s.has(k), model[k], s)
			}
		}
		for j := 1; j < len(s); j++ {
			if s[j-1].hi+1 >= s[j].lo || s[j].lo > s[j].hi {
				t.Fatalf("step %d: not normalised: %v", i, s)
			}
		}
	}
	// The formatted set reads back as itself.
	back, bad := parseNumSet(s.String())
	if bad != 0 || !back.equal(s) {
		t.Errorf("round trip of %s = %s (%d bad)", s, back, bad)
	}
}

func TestParseSeqFile(t *testing.T) {
	in := "cur: 4\n" +
		"flagged: 1-3\n 7\n\t9-10\n" +
		"work:2 3\n" +
		"# a comment: not ours\n" +
		"replied : 5\n" +
		"flagged: 12\n" +
		"junk line\n" +
		"no newline: 1"
	sf := parseSeqFile([]byte(in))
	if got := string(sf.bytes()); got != in {
		t.Fatalf("bytes() = %q, want the input back", got)
	}
	for name, want := range map[string]string{
		"cur": "4", "flagged": "1-3 7 9-10 12", "work": "2-3", "replied": "5",
		"no newline": "", "# a comment": "", "draft": "",
	} {
		if s, _ := sf.set(name); s.String() != want {
			t.Errorf("set(%q) = %q, want %q", name, s, want)
		}
	}
}

func TestSeqFileReplace(t *testing.T) {
	set := func(s string) numSet { n, _ := parseNumSet(s); return n }
	cases := []struct {
		name      string
		in        string
		seq, nums string
		want      string
	}{
		{"unchanged keeps odd spelling", "flagged:3  1-2 x\n", "flagged", "1-3", "flagged:3  1-2 x\n"},
		{"rewritten in place", "cur: 1\nflagged: 1\nwork: 2\n", "flagged", "1 5", "cur: 1\nflagged: 1 5\nwork: 2\n"},
		{"continuation lines replaced", "flagged: 1\n 2\nwork: 2\n", "flagged", "1-3", "flagged: 1-3\nwork: 2\n"},
		{"duplicates merged into the first", "flagged: 1\nwork: 2\nflagged: 3\n", "flagged", "1 3 4", "flagged: 1 3-4\nwork: 2\n"},
		{"emptied sequence loses its line", "cur: 1\nreplied: 4\nwork: 2\n", "replied", "", "cur: 1\nwork: 2\n"},
		{"new sequence at the end", "cur: 1\n", "draft", "2", "cur: 1\ndraft: 2\n"},
		{"new sequence into an empty file", "", "draft", "2", "draft: 2\n"},
		{"missing final newline added before a new line", "cur: 1", "draft", "2", "cur: 1\ndraft: 2\n"},
		{"missing final newline on the replaced line", "cur: 1\nflagged: 1", "flagged", "2", "cur: 1\nflagged: 2\n"},
		{"new sequence before a blank line", "cur: 1\n\ntrailer\n", "replied", "3", "cur: 1\nreplied: 3\n\ntrailer\n"},
		{"CRLF file", "cur: 1\r\nflagged: 1\r\n", "flagged", "1-2", "cur: 1\r\nflagged: 1-2\r\n"},
		{"CRLF file, new line", "cur: 1\r\n", "flagged", "9", "cur: 1\r\nflagged: 9\r\n"},
		{"nothing to remove from a missing sequence", "cur: 1\n", "unseen", "", "cur: 1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sf := parseSeqFile([]byte(c.in))
			sf.replace(c.seq, set(c.nums))
			if got := string(sf.bytes()); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestApplySeqChanges(t *testing.T) {
	in := "cur: 3\nunseen: 2-5\nflagged: 1-4\nreplied: 9\nmine: 1-9\n"
	sf := parseSeqFile([]byte(in))
	applySeqChanges(sf, map[uint64]seqChange{
		2:  {gone: true},
		3:  {gone: true},
		5:  {flags: store.Seen | store.Answered}, // a stale unseen 5 must not stick to it
		4:  {flags: store.Flagged | store.Draft}, // unseen 4 stays (not \Seen)
		10: {flags: store.Flagged | store.Seen | store.Deleted},
		11: {},
	})
	want := "cur: 3\nunseen: 4\nflagged: 1 4 10\nreplied: 5 9\nmine: 1-9\ndraft: 4\n"
	if got := string(sf.bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSeqFileFuzz: whatever a sequence file holds, replacing one sequence
// leaves every record of another name byte for byte, and reading the
// result gives the sequence replaced.
func TestSeqFileFuzz(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	pieces := []string{"flagged: 1-3 7\n", "flagged:9\n", " 4 5\n", "\t11\n", "cur: 2\n", "work: 1 x 3\n",
		"\n", "junk\n", "replied: 8-9\r\n", ": 3\n", "unseen: 2\n", "draft: 1", "x y: 1\n"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j := r.Intn(8); j > 0; j-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		in := b.String()
		seq := []string{"flagged", "replied", "draft", "unseen"}[r.Intn(4)]
		var want numSet
		for j := r.Intn(5); j > 0; j-- {
			want.add(uint64(r.Intn(12) + 1))
		}
		before := parseSeqFile([]byte(in))
		sf := parseSeqFile([]byte(in))
		sf.replace(seq, want)
		after := parseSeqFile(sf.bytes())
		if got, _ := after.set(seq); !got.equal(want) {
			t.Fatalf("%q: %s set to %s reads back %s:\n%q", in, seq, want, got, sf.bytes())
		}
		if got, want := others(after, seq), others(before, seq); got != want {
			t.Fatalf("%q: replacing %s changed other records:\n%q\nwant\n%q", in, seq, got, want)
		}
	}
}

// others returns the records not named seq, trailing line ends dropped
// (replace may end the last line), in order.
func others(sf *seqFile, seq string) string {
	var out []string
	for _, r := range sf.recs {
		if r.name != seq {
			out = append(out, strings.TrimRight(string(r.raw), "\r\n"))
		}
	}
	return strings.Join(out, "|")
}

// FuzzSeqFile: any content parses, reads back byte for byte, and setting a
// sequence gives a file that reads that sequence back with every other
// record unchanged.
func FuzzSeqFile(f *testing.F) {
	for _, s := range []string{"", "flagged: 1-3\n 5\n", "a:\n\n b: 1", "flagged:1 x 0 5-2\r\n", ": 1\n\t2\n", "flagged: 4611686018427387904\n"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, n uint8) {
		sf := parseSeqFile([]byte(in))
		if string(sf.bytes()) != in {
			t.Fatalf("bytes() = %q, want %q", sf.bytes(), in)
		}
		before := others(sf, "flagged")
		want, _ := sf.set("flagged")
		want.add(uint64(n) + 1)
		sf.replace("flagged", want)
		after := parseSeqFile(sf.bytes())
		if got, _ := after.set("flagged"); !got.equal(want) {
			t.Fatalf("flagged reads back %s, want %s: %q", got, want, sf.bytes())
		}
		if got := others(after, "flagged"); got != before {
			t.Fatalf("other records changed:\n%q\nwant\n%q", got, before)
		}
	})
}
