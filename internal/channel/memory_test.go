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

	"github.com/mailsync/mailsync/internal/channel/idtable"
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
	runtime.GC() // what sync.Pools held until the first one
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.Mallocs
}

// quietEngine is an engine whose output goes nowhere.
func quietEngine(opt Options) *Engine {
	return &Engine{Opt: opt, R: NewReporter(io.Discard, io.Discard)}
}

// listBox is a mailbox that lists its messages (no Streamer).
type listBox struct {
	store.Mailbox
	msgs []store.Message
}

func (b listBox) Messages(ctx context.Context) ([]store.Message, error) { return b.msgs, nil }

// TestScanMemoryPerMessage guards what the engine keeps of a box that
// lists its messages once its ids are read: per message its id number
// (4 bytes), its details (32: key, size, flags, date), its id (in an
// arena: 50 bytes) and its entry in the box's id table (16 + 1 + a hash
// slot),
// but not its header nor the listing. And one allocation per message: the
// id.
func TestScanMemoryPerMessage(t *testing.T) {
	const n = 20000
	e := quietEngine(Options{})
	live0, _ := liveHeap()
	msgs := make([]store.Message, n)
	for i := range msgs {
		msgs[i] = store.Message{Key: uint64(i + 1), Size: 1000, InternalDate: jan1, Header: testHeader(i)}
	}
	_, mallocs0 := liveHeap()
	s, _, err := e.scanBox(context.Background(), listBox{msgs: msgs}, styleSummary, idtable.New(nil), idtable.SideA, true)
	_, mallocs1 := liveHeap()
	for i, m := range msgs {
		if m.Header != nil {
			t.Fatalf("message %d keeps its header after the scan", i)
		}
	}
	msgs = nil
	live1, _ := liveHeap()
	if err != nil || s.count() != n || s.t.Len() != n || s.t.Str(s.nums[n-1]) != "<20230102091100.019999.c6ae4e3b@mail.example.org>" {
		t.Fatalf("scan: %d messages, %d distinct ids, %v", s.count(), s.t.Len(), err)
	}
	if s.det.Rec(n-1).Key != n || s.det.Headers() != 0 {
		t.Fatalf("details: key %d, %d headers kept", s.det.Rec(n-1).Key, s.det.Headers())
	}
	const want = 4 + 32 + 50 + 16 + 1 + 8 + 12 // the rest: the hash table at its largest, slack
	per := float64(live1-live0) / n
	t.Logf("%.0f bytes, %.2f allocations per message", per, float64(mallocs1-mallocs0)/n)
	if per > want {
		t.Errorf("a scanned box keeps %.0f bytes per message, want at most %d", per, want)
	}
	if per := float64(mallocs1-mallocs0) / n; per > 1.01 {
		t.Errorf("the scan made %.2f allocations per message, want 1 (the id)", per)
	}
	runtime.KeepAlive(s)
}

// streamBox is a mailbox that streams n generated messages. Keys start at
// key0+1 (so that two of them differ), and EachMessage counts its calls
// of fn in *calls when set.
type streamBox struct {
	store.Mailbox
	n     int
	key0  uint64
	calls *int
}

func (b streamBox) EachMessage(ctx context.Context, fn func(store.Message) error) error {
	var hdr []byte
	for i := range b.n {
		hdr = append(hdr[:0], testHeader(i)...)
		if b.calls != nil {
			*b.calls++
		}
		if err := fn(store.Message{Key: b.key0 + uint64(i+1), Size: 1000, InternalDate: jan1, Header: hdr}); err != nil {
			return err
		}
	}
	return nil
}

// testIDs are the ids of streamBox's first n messages, in byte order: its
// last state.
func testIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("<20230102091100.%06d.c6ae4e3b@mail.example.org>", i)
	}
	return ids
}

// TestStreamScanMemoryPerMessage: a streamed box keeps, per message, its
// id number and, for an id the last state lacks, the id (in the box's id
// table: 50 bytes in an arena, 16 + 1 + a hash slot) and the message's
// details (32, to copy it); nothing of its header. A side whose ids the
// last state has keeps only its id numbers.
func TestStreamScanMemoryPerMessage(t *testing.T) {
	const n = 20000
	e := quietEngine(Options{})
	s, out, err := e.scanBox(context.Background(), streamBox{n: n}, styleSummary, idtable.New(nil), idtable.SideA, true)
	if err != nil || s.count() != n || s.t.Len() != n || len(out.events) != 0 || s.det.Len() != n || !s.det.Dense() {
		t.Fatalf("stream scan: %d messages, %d details, %v", s.count(), s.det.Len(), err)
	}
	// A side whose ids are all in the last state.
	tb := idtable.New(testIDs(n))
	s2, _, err := e.scanBox(context.Background(), streamBox{n: n}, styleSummary, tb, idtable.SideB, true)
	if err != nil || s2.count() != n || tb.Len() != n || s2.det.Len() != 0 {
		t.Fatalf("second side: %d messages, %d ids, %d details, %v", s2.count(), tb.Len(), s2.det.Len(), err)
	}
	// Both sides alive, then the first only, then neither.
	live2, _ := liveHeap()
	runtime.KeepAlive(s2)
	live1, _ := liveHeap()
	runtime.KeepAlive(s)
	live0b, _ := liveHeap()
	runtime.KeepAlive(tb)

	// Lists grown by append: up to a quarter spare; 13: the hash slots.
	const want = 4*1.25 + 50 + 16*1.25 + 1 + 13 + 32*1.25 + 6
	per := (float64(live1) - float64(live0b)) / n
	t.Logf("%.0f bytes per message of new ids", per)
	if per > want {
		t.Errorf("a streamed box of new ids keeps %.0f bytes per message, want at most %.0f", per, want)
	}
	per = (float64(live2) - float64(live1)) / n
	t.Logf("%.1f bytes per message of a side whose ids are known", per)
	if per > 4*1.25+1 {
		t.Errorf("a side whose ids are known keeps %.1f bytes per message, want at most 6 (its id numbers)", per)
	}
}

// streamStore is a store of one box, "inbox", that streams n generated
// messages. Close (called at the end of a box's sync, with everything
// the sync keeps of the box alive) records the live heap in *live.
type streamStore struct {
	store.Store
	n    int
	live *uint64
}

func (s streamStore) List(ctx context.Context, ref, pat string) ([]store.ListEntry, error) {
	return []store.ListEntry{{Name: "inbox", Delim: '/'}}, nil
}

func (s streamStore) Open(ctx context.Context, name string, mode store.Mode) (store.Mailbox, error) {
	return streamSyncBox{streamBox{n: s.n}, s.live}, nil
}

type streamSyncBox struct {
	streamBox
	live *uint64
}

func (b streamSyncBox) Expunge(ctx context.Context) (int, error) { return 0, nil }

func (b streamSyncBox) Close() error {
	if *b.live == 0 {
		*b.live, _ = liveHeap()
	}
	return nil
}

// TestStreamedSyncMemoryPerMessage guards what the sync of a box whose
// sides stream their messages keeps while it runs: when nothing is to be
// done, about the box's id table (whose ids are the last state's own) and
// each side's id numbers; neither side's list of messages (72 bytes a
// message), nor their ids, details or header lines, even with -m.
func TestStreamedSyncMemoryPerMessage(t *testing.T) {
	const n = 30000 // the id table's hash slots: 9 bytes an id
	for _, opt := range []Options{{}, {Long: true}} {
		last := msinfo.State{"inbox": testIDs(n)}
		e := quietEngine(opt)
		ctx := context.Background()
		var live uint64
		side := func(name string) *Side {
			st := streamStore{n: n, live: &live}
			cfg := &config.Store{Name: name, Pat: "*"}
			bx, err := ListBoxes(ctx, st, cfg, e.R)
			if err != nil {
				t.Fatal(err)
			}
			return &Side{Cfg: cfg, Store: st, Boxes: bx}
		}
		a, b := side("a"), side("b")
		live0, _ := liveHeap()
		next, res := e.Sync(ctx, a, b, last)
		if res.Failed || len(next["inbox"]) != n || live == 0 {
			t.Fatalf("sync: failed %v, %d ids kept", res.Failed, len(next["inbox"]))
		}
		// The table: 1 + 9 (its hash slots) an id, its list being the
		// last state's; the sides' numbers: 2 × 4 (+ a quarter); the
		// plan's kept list: 4; slack.
		const want = 1 + 9 + 2*4*1.25 + 4 + 6
		per := float64(live-live0) / n
		t.Logf("-m %v: %.0f bytes per message", opt.Long, per)
		if per > want {
			t.Errorf("-m %v: the sync keeps %.0f bytes per message, want at most %.0f", opt.Long, per, want)
		}
		runtime.KeepAlive(last)
	}
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
	next, res := e.Sync(ctx, a, b, msinfo.State{})
	runtime.ReadMemStats(&after)
	if res.Failed || len(next["inbox"]) != n {
		t.Fatalf("sync: failed %v, %d ids kept", res.Failed, len(next["inbox"]))
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
