package msinfo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// stateFrom builds a State from fuzz input: lines are box names, lines
// starting with '<' ids of the box before (msgid mode), or hex digits
// after "+" (md5 mode). Only what the msinfo format can hold is kept: box
// names that do not start with '<' and hold no CR or NUL (the mbox
// message drops CRs and turns NULs into 0x80), msgid ids "<...>" with one
// '>' and no blanks (as package msgid makes them), md5 ids without '>' and blanks.
func stateFrom(data []byte, md5 bool) State {
	s := State{}
	box := ""
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "+") && md5:
			id := line[1:]
			if id != "" && !strings.ContainsAny(id, ">") && !strings.ContainsFunc(id, blank) {
				s[box] = append(s[box], id)
			}
		case strings.HasPrefix(line, "<") && !md5:
			if i := strings.IndexByte(line, '>'); i >= 0 && !strings.ContainsFunc(line[:i], blank) {
				s[box] = append(s[box], line[:i+1])
			}
		case !strings.HasPrefix(line, "<") && !strings.ContainsAny(line, "\r\x00"):
			box = line
			if _, ok := s[box]; !ok {
				s[box] = nil
			}
		}
	}
	return s
}

// blank is what a sanitised Message-ID never holds (package msgid).
func blank(r rune) bool { return r <= ' ' || r == 0x7f }

// sorted returns s with every box's ids in byte order and empty id lists
// as nil, the form Body writes.
func sorted(s State) State {
	out := State{}
	for box, ids := range s {
		ids = slices.Clone(ids)
		slices.Sort(ids)
		if len(ids) == 0 {
			ids = nil
		}
		out[box] = ids
	}
	return out
}

var fuzzSeq atomic.Int64

// FuzzRoundTrip checks that every state the msinfo format can hold reads
// back as itself, through Body/Parse and through a real msinfo file
// (Save/Load), and that any junk body parses without a panic into a
// state that is stable under Body/Parse.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("inbox\n<a@x>\n<b@x>\nother\n"), false)
	f.Add([]byte("box\n+0123456789abcdef0123456789abcdef\n"), true)
	f.Add([]byte("From x\n<f@x>\n\n<empty-box-name@x>\n"), false)
	f.Add([]byte("a\r\n<x>\r\n\r\r\n"), false)
	// A tmpfs (when there is one) keeps the fsyncs of every input cheap.
	dir, err := os.MkdirTemp("/dev/shm", "mailsync-fuzz-")
	if err != nil {
		dir = f.TempDir()
	} else {
		f.Cleanup(func() { os.RemoveAll(dir) })
	}
	f.Fuzz(func(t *testing.T, data []byte, md5 bool) {
		// Junk: no panic; what it yields is a fixed point.
		junk := Parse(data, md5, nil)
		for box := range junk {
			if strings.HasSuffix(box, "\r") || strings.HasPrefix(box, "<") {
				return // not representable (CR-ended box names lose the CR)
			}
		}
		if again := Parse(Body(junk, md5), md5, nil); !reflect.DeepEqual(sorted(again), sorted(junk)) {
			t.Fatalf("Parse(Body(Parse(x))) != Parse(x):\n%q\n%q", again, junk)
		}

		s := sorted(stateFrom(data, md5))
		if got := sorted(Parse(Body(s, md5), md5, nil)); !reflect.DeepEqual(got, s) {
			t.Fatalf("Parse(Body(s)) != s:\n got %q\nwant %q\nbody %q", got, s, Body(s, md5))
		}

		// Through a real msinfo file, where the body is an mbox message.
		path := filepath.Join(dir, "msinfo"+strconv.FormatInt(fuzzSeq.Add(1), 10))
		defer os.Remove(path)
		opt := Options{Env: testEnv(), MD5: md5}
		file, err := OpenLocal(path, "msinfo", opt)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		ctx := context.Background()
		if err := file.Save(ctx, "ch", s); err != nil {
			t.Fatal(err)
		}
		got, err := file.Load(ctx, "ch")
		if err != nil {
			t.Fatal(err)
		}
		if got = sorted(got); !reflect.DeepEqual(got, s) && !fromQuoted(s) {
			raw, _ := os.ReadFile(path)
			t.Fatalf("Load(Save(s)) != s:\n got %q\nwant %q\nfile %q", got, s, raw)
		}
	})
}

// fromQuoted reports whether a box name of s starts with "From ": the mbox
// format quotes such a line (">From "), as 5.2.7 writes it too.
func fromQuoted(s State) bool {
	for box := range s {
		if bytes.HasPrefix([]byte(box), []byte("From ")) {
			return true
		}
	}
	return false
}
