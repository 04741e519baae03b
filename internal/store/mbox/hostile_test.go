package mbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

const fromLine = "From a@b Mon Jan  1 10:00:00 2024\n"

// hostile returns mbox files that real mail folders can hold and that a
// careless reader gets wrong. Each is built here; none is checked in.
func hostile() map[string][]byte {
	var many strings.Builder
	many.WriteString(fromLine)
	for i := range 10000 {
		many.WriteString("X-Header-" + strings.Repeat("x", i%7) + ": value\n")
	}
	many.WriteString("Message-ID: <many@x>\nSubject: many headers\n\nbody\n")
	return map[string][]byte{
		"nul bytes": []byte(fromLine + "Subject: nul\x00here\nMessage-ID: <n\x00ul@x>\n\nbody \x00\x00 with NULs\n\n" +
			fromLine + "Subject: next\n\nnext\n"),
		"1 MB header line": []byte(fromLine + "Subject: " + strings.Repeat("s", 1<<20) + "\nMessage-ID: <long@x>\n\nbody\n\n" +
			fromLine + "X-Long: " + strings.Repeat("y", 1<<20) + "\n\nbody\n"),
		"invalid UTF-8": []byte(fromLine + "Subject: \xff\xfe\xc3\x28 broken\nFrom: \xe2\x82 <x@y>\nMessage-ID: <\xc0\xaf@x>\n\n\xed\xa0\x80 body\n"),
		"10000 headers": []byte(many.String()),
		"truncated in the header": []byte(fromLine + "Subject: one\n\nbody\n\n" +
			fromLine + "Subject: cut here, no blank line and no final newl"),
		"truncated in the body":     []byte(fromLine + "Subject: one\n\nbody\n\n" + fromLine + "Subject: two\n\nbody cut sho"),
		"truncated in a From_ line": []byte(fromLine + "Subject: one\n\nbody\n\nFrom a@b Mon Jan  1 10:0"),
		"CRLF body":                 []byte(fromLine + "Subject: crlf\r\nMessage-ID: <crlf@x>\r\n\r\nline\r\nline\r\n\r\n" + fromLine + "Subject: lf\n\nx\n"),
	}
}

// TestHostileMboxes reads each file, fetches every message (Size bytes
// each), then appends a message, deletes it again and checks that the
// rewritten file still holds every message unchanged.
func TestHostileMboxes(t *testing.T) {
	for name, data := range hostile() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "box")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			b, _, before, err := readAll(t, path, store.ReadOnly)
			if err != nil {
				t.Fatalf("not read: %v", err)
			}
			b.Close()
			if len(before) == 0 {
				t.Fatal("no message read")
			}
			keepAllThroughRewrite(t, path, before)
		})
	}
}

// keepAllThroughRewrite appends a message, expunges it and checks that the
// messages read before are all still there, unchanged but for the line
// ends the last one may gain so that a message can follow it.
func keepAllThroughRewrite(t *testing.T, path string, before []snapshot) {
	t.Helper()
	rw, _, _, err := readAll(t, path, store.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	m := "Subject: extra\r\nMessage-ID: <extra@x>\r\n\r\nextra\r\n"
	if err := rw.Append(ctx, store.NewMessage{Size: int64(len(m)), Body: strings.NewReader(m)}); err != nil {
		t.Fatal(err)
	}
	ms, err := rw.Messages(ctx)
	if err != nil || len(ms) != len(before)+1 {
		t.Fatalf("after append: %d messages, %v", len(ms), err)
	}
	if err := rw.MarkDeleted(ctx, []uint64{ms[len(ms)-1].Key}); err != nil {
		t.Fatal(err)
	}
	if n, err := rw.Expunge(ctx); n != 1 || err != nil {
		t.Fatalf("Expunge = %d, %v", n, err)
	}
	rw.Close()
	b, _, after, err := readAll(t, path, store.ReadOnly)
	if err != nil {
		t.Fatalf("rewritten file not read: %v", err)
	}
	b.Close()
	if len(after) != len(before) {
		t.Fatalf("rewrite keeps %d of %d messages", len(after), len(before))
	}
	for i := range after {
		a := after[i]
		if i == len(after)-1 && strings.HasPrefix(a.text, before[i].text) && strings.Trim(a.text[len(before[i].text):], "\r\n") == "" {
			a.text = before[i].text
		}
		if a != before[i] {
			t.Errorf("message %d changed:\n%.200q\n%.200q", i, a.text, before[i].text)
		}
	}
}

// TestRefusedFiles checks that files that are no mbox are refused with
// store.ErrNotMailbox, and left alone.
func TestRefusedFiles(t *testing.T) {
	for name, data := range map[string]string{
		"no From_ line":         "Subject: no envelope\n\nbody\n",
		"NUL in the From_ line": "From a@b Mon Jan  1 10:00:00 2024\x00\nSubject: nul\n\nbody\n",
		"two CRs before the LF": "From a@b Mon Jan  1 10:00:00 2024\r\r\nSubject: dos\r\n\r\nbody\r\n",
		"binary":                "\x00\x01\x02\xff From a@b Mon Jan  1 10:00:00 2024\n",
		"blank space only":      " \n\t\n",
		"From_ line without LF": "From a@b Mon Jan  1 10:00:00 2024",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "box")
			os.WriteFile(path, []byte(data), 0o600)
			for _, mode := range []store.Mode{store.ReadOnly, store.ReadWrite} {
				b, err := Open(path, mode, env())
				if err == nil {
					b.Close()
					t.Fatalf("mode %v: opened", mode)
				}
				if !errors.Is(err, store.ErrNotMailbox) || !strings.Contains(err.Error(), path) {
					t.Errorf("mode %v: error %q does not name the file and ErrNotMailbox", mode, err)
				}
			}
			if got, _ := os.ReadFile(path); string(got) != data {
				t.Errorf("file changed to %q", got)
			}
		})
	}
}

// TestHundredMegabyteMessage reads, fetches and rewrites an mbox holding a
// 100 MB message and checks that memory stays bounded: the heap in use
// never grows by more than a small fraction of the file.
func TestHundredMegabyteMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB")
	}
	const size = 100 << 20
	const bound = 16 << 20 // heap growth allowed: far below the file size
	path := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(fromLine + "Subject: small\nMessage-ID: <small@x>\n\nsmall\n\n")
	w.WriteString(fromLine + "Subject: big\nMessage-ID: <big@x>\n\n")
	line := strings.Repeat("0123456789abcdef", 8)[:127] + "\n"
	sum := sha256.New() // of the big message's body as Fetch yields it (CRLF)
	crlf := strings.TrimSuffix(line, "\n") + "\r\n"
	for n := 0; n < size; n += len(line) {
		w.WriteString(line)
		sum.Write([]byte(crlf))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want := sum.Sum(nil)

	base := heapInUse()
	peak := base
	sample := func() { peak = max(peak, heapInUse()) }

	b, err := Open(path, store.ReadWrite, env())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := b.Messages(ctx)
	sample()
	if err != nil || len(ms) != 2 || ms[1].Size < size {
		t.Fatalf("Messages: %d messages, %v", len(ms), err)
	}
	bodyOf := func(m store.Message) []byte {
		rc, err := b.Fetch(ctx, m.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		h := sha256.New()
		br := bufio.NewReader(rc)
		hdr, n := 0, int64(0)
		for { // skip the header, hash the body, sample the heap now and then
			l, err := br.ReadSlice('\n')
			n += int64(len(l))
			if hdr < 2 {
				if string(l) == "\r\n" {
					hdr = 2
				}
			} else {
				h.Write(l)
			}
			if n%(8<<20) < int64(len(l)) {
				sample()
			}
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				t.Fatal(err)
			}
		}
		if n != m.Size {
			t.Fatalf("Fetch gave %d bytes, Size %d", n, m.Size)
		}
		return h.Sum(nil)
	}
	if got := bodyOf(ms[1]); !bytes.Equal(got, want) {
		t.Fatal("the big message's body changed on the way")
	}
	// Deleting the small message rewrites the file around the big one.
	if err := b.MarkDeleted(ctx, []uint64{ms[0].Key}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Expunge(ctx); n != 1 || err != nil {
		t.Fatalf("Expunge = %d, %v", n, err)
	}
	sample()
	b.Close()
	b, err = Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ms2, err := b.Messages(ctx)
	if err != nil || len(ms2) != 1 || ms2[0].Size != ms[1].Size {
		t.Fatalf("after expunge: %+v, %v", ms2, err)
	}
	if got := bodyOf(ms2[0]); !bytes.Equal(got, want) {
		t.Fatal("the big message changed in the rewrite")
	}
	if grow := int64(peak) - int64(base); grow > bound {
		t.Errorf("heap in use grew by %d MB while handling a %d MB message (bound %d MB)", grow>>20, size>>20, bound>>20)
	}
	t.Logf("heap growth at peak: %d KB", (int64(peak)-int64(base))>>10)
}

// heapInUse returns the bytes in in-use heap spans after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestAppendAfterUnfinishedFromLine: a file whose last line has no line
// end and would be a From_ line once ended cannot take an append (the end
// of its last message would become a message); the append is refused and
// the file left alone. Any other unfinished last line just gets its line
// end.
func TestAppendAfterUnfinishedFromLine(t *testing.T) {
	for _, c := range []struct {
		tail string
		ok   bool
	}{
		{"From  000 000 00 00:00 0000", false},
		{"From b@c Tue Jan  2 10:00:00 2024", false},
		{"From here on, nothing", true},
		{"Fro", true},
	} {
		path := filepath.Join(t.TempDir(), "box")
		data := fromLine + "Subject: one\n\nbody\n" + c.tail
		os.WriteFile(path, []byte(data), 0o600)
		b, err := Open(path, store.ReadWrite, env())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Messages(ctx); err != nil {
			t.Fatal(err)
		}
		m := "Subject: new\r\n\r\nnew\r\n"
		err = b.Append(ctx, store.NewMessage{Size: int64(len(m)), Body: strings.NewReader(m)})
		b.Close()
		now, _ := os.ReadFile(path)
		if c.ok {
			r, _, got, rerr := readAll(t, path, store.ReadOnly)
			if err != nil || rerr != nil || len(got) != 2 || got[0].text != "Subject: one\r\n\r\nbody\r\n"+c.tail+"\r\n" {
				t.Errorf("%q: append %v, read %v: %+v", c.tail, err, rerr, got)
			}
			if r != nil {
				r.Close()
			}
			continue
		}
		if !errors.Is(err, errFromAtEnd) || string(now) != data {
			t.Errorf("%q: append %v; file now %q", c.tail, err, now)
		}
	}
}
