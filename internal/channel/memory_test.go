package channel

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/config"
	"github.com/mailsync/mailsync/internal/msinfo"
	"github.com/mailsync/mailsync/internal/store"
	"github.com/mailsync/mailsync/internal/store/local"
)

// testHeader returns the header lines of message i as a backend lists them:
// the store.HeaderFields lines, about 230 bytes, with a 50-byte id.
func testHeader(i int) []byte {
	return fmt.Appendf(nil, "From: Carol Tanaka <carol.tanaka@mail.example.org>\nTo: Victor Silva <victor.silva@example.net>\n"+
		"Subject: Re: Lunch on Friday? #%d\nDate: Mon, 02 Jan 2023 09:11:00 +0000\n"+
		"Message-ID: <20230102091100.%06d.c6ae4e3b@mail.example.org>\n\n", i, i)
}

func liveHeap() (live, mallocs uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.Mallocs
}

// quietEngine is an engine whose output goes nowhere.
func quietEngine(opt Options) *Engine {
	return &Engine{Opt: opt, R: NewReporter(io.Discard, io.Discard)}
}

// TestScanMemoryPerMessage guards what the engine keeps of a box once its
// ids are read: per message the listing's entry (72 bytes, taken over),
// its id (16 + 64 for the string), a slot of the index of first
// occurrences, but not its header. And one allocation per message: the id.
func TestScanMemoryPerMessage(t *testing.T) {
	const n = 20000
	live0, _ := liveHeap()
	msgs := make([]store.Message, n)
	for i := range msgs {
		msgs[i] = store.Message{Key: uint64(i + 1), Size: 1000, InternalDate: jan1, Header: testHeader(i)}
	}
	e := quietEngine(Options{})
	_, mallocs0 := liveHeap()
	s := e.scanList(msgs, styleSummary)
	_, mallocs1 := liveHeap()
	for i, m := range msgs {
		if m.Header != nil {
			t.Fatalf("message %d keeps its header after the scan", i)
		}
	}
	msgs = nil
	live1, _ := liveHeap()
	if len(s.ids) != n || s.first.n != n || s.ids[n-1] != "<20230102091100.019999.c6ae4e3b@mail.example.org>" {
		t.Fatalf("scan: %d ids, %d distinct", len(s.ids), s.first.n)
	}
	const want = 72.0 + 16 + 64 + 16 + 12 // the rest: slack
	t.Logf("%.0f bytes, %.2f allocations per message", float64(live1-live0)/n, float64(mallocs1-mallocs0)/n)
	if per := float64(live1-live0) / n; per > want {
		t.Errorf("a scanned box keeps %.0f bytes per message, want at most %.0f", per, want)
	}
	if per := float64(mallocs1-mallocs0) / n; per > 1.01 {
		t.Errorf("the scan made %.2f allocations per message, want 1 (the id)", per)
	}
	runtime.KeepAlive(s)
}

// streamBox is a mailbox that streams n generated messages.
type streamBox struct {
	store.Mailbox
	n int
}

func (b streamBox) EachMessage(ctx context.Context, fn func(store.Message) error) error {
	var hdr []byte
	for i := range b.n {
		hdr = append(hdr[:0], testHeader(i)...)
		if err := fn(store.Message{Key: uint64(i + 1), Size: 1000, InternalDate: jan1, Header: hdr}); err != nil {
			return err
		}
	}
	return nil
}

// TestStreamScanMemoryPerMessage: a streamed box costs what a listed one
// does (its lists grow by append: up to a quarter of them is spare),
// whatever its headers hold.
func TestStreamScanMemoryPerMessage(t *testing.T) {
	const n = 20000
	e := quietEngine(Options{})
	live0, _ := liveHeap()
	s, out, err := e.streamScan(context.Background(), streamBox{n: n}, styleSummary)
	live1, _ := liveHeap()
	if err != nil || len(s.msgs) != n || s.first.n != n || len(out.lines) != 0 {
		t.Fatalf("stream scan: %d messages, %v", len(s.msgs), err)
	}
	const want = (72+16)*1.25 + 64 + 16 + 12
	t.Logf("%.0f bytes per message", float64(live1-live0)/n)
	if per := float64(live1-live0) / n; per > want {
		t.Errorf("a streamed box keeps %.0f bytes per message, want at most %.0f", per, want)
	}
	runtime.KeepAlive(s)
}

// TestSyncAllocationsPerMessage guards the garbage a first sync makes per
// message copied from one mbox file to another (no buffer per message
// read or written: a sync of 50,000 messages once made 4.7 GB of it), and
// that what it keeps of the boxes is not their headers.
func TestSyncAllocationsPerMessage(t *testing.T) {
	if raceEnabled {
		t.Skip("buffers are reused through sync.Pool, which the race detector makes drop them")
	}
	const n = 2000
	home := fastTempDir(t)
	for _, d := range []string{"mail/a", "mail/b"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeMbox(t, filepath.Join(home, "mail/a/inbox"), n)
	st := local.New(store.Env{Home: home, User: "user", Host: "host", Now: func() time.Time { return jan1 }})
	e := quietEngine(Options{})
	ctx := context.Background()
	side := func(cfg *config.Store) *Side {
		bx, err := ListBoxes(ctx, st, cfg, e.R)
		if err != nil {
			t.Fatal(err)
		}
		return &Side{Cfg: cfg, Store: st, Boxes: bx}
	}
	a := side(&config.Store{Name: "a", Pat: "mail/a/*", Prefix: "mail/a/"})
	b := side(&config.Store{Name: "b", Pat: "mail/b/*", Prefix: "mail/b/"})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	next := e.Sync(ctx, a, b, msinfo.State{})
	runtime.ReadMemStats(&after)
	if e.Failed() || len(next["inbox"]) != n {
		t.Fatalf("sync: failed %v, %d ids kept", e.Failed(), len(next["inbox"]))
	}
	per := float64(after.TotalAlloc-before.TotalAlloc) / n
	t.Logf("%.0f bytes allocated per message copied", per)
	if per > 4096 {
		t.Errorf("the sync allocated %.0f bytes per message copied, want at most 4096", per)
	}
}

// writeMbox writes n messages of about 1 KB into the mbox file path.
func writeMbox(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	body := bytes.Repeat([]byte("a line of the body of the message, some seventy characters long.\n"), 12)
	for i := range n {
		fmt.Fprintf(w, "From carol@example.org Mon Jan  2 09:11:00 2023\n%s", testHeader(i))
		w.Write(body)
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
