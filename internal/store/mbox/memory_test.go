package mbox

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/mailsync/mailsync/internal/store"
)

// writeBox writes an mbox of n messages with realistic headers (about
// 230 bytes of the store.HeaderFields lines, more lines that are not
// kept) and small bodies. It returns the path and the header length.
func writeBox(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inbox")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, "From carol.tanaka@mail.example.org Mon Jan  2 09:11:00 2023\n"+
			"Received: from mx1.mail.example.org (mx1.example.com [192.0.2.40])\n\tby mail.example.net (Postfix);\n"+
			"From: Carol Tanaka <carol.tanaka@mail.example.org>\nTo: Victor Silva <victor.silva@example.net>\n"+
			"Subject: Re: Lunch on Friday? #%d\nDate: Mon, 02 Jan 2023 09:11:00 +0000\n"+
			"Message-ID: <20230102091100.%06d.c6ae4e3b@mail.example.org>\nStatus: RO\n\n"+
			"Body line one\nFrom the body, quoted\n\n", i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// heapAlloc returns the bytes of live heap objects after a collection.
func heapAlloc() (live, mallocs uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.Mallocs
}

// TestMemoryPerMessage guards what an open box costs per message: the
// index a Box keeps for the session (offsets and flags, no header), the
// allocations of a scan (none per message when the messages are streamed),
// and the list Messages returns (the message, its header lines and
// nothing else).
func TestMemoryPerMessage(t *testing.T) {
	const n = 20000
	if size := unsafe.Sizeof(msg{}); size > 56 {
		t.Errorf("msg is %d bytes, want at most 56", size)
	}
	path := writeBox(t, n)

	live0, mallocs0 := heapAlloc()
	b, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	count, hdrBytes := 0, 0
	err = b.EachMessage(ctx, func(m store.Message) error {
		count++
		hdrBytes += len(m.Header)
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("EachMessage: %d messages, %v", count, err)
	}
	live1, mallocs1 := heapAlloc()
	t.Logf("an open box: %.0f bytes, %.3f allocations per message", float64(live1-live0)/n, float64(mallocs1-mallocs0)/n)
	// The index grows by estimates from the file size (a few percent
	// spare).
	if per := float64(live1-live0) / n; per > 56*1.15 {
		t.Errorf("an open box keeps %.0f bytes per message, want at most %.0f", per, 56*1.15)
	}
	if per := float64(mallocs1-mallocs0) / n; per > 0.05 {
		t.Errorf("streaming the messages made %.2f allocations per message, want almost none", per)
	}

	// A list from a fresh box: each message (88 bytes with its Keywords,
	// a few percent spare) and its header lines packed in shared blocks, besides the
	// box's index.
	b2, err := Open(path, store.ReadOnly, env())
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	ms, err := b2.Messages(ctx)
	if err != nil || len(ms) != n {
		t.Fatalf("Messages: %d messages, %v", len(ms), err)
	}
	live2, mallocs2 := heapAlloc()
	t.Logf("index and list: %.0f bytes (%d of header lines), %.3f allocations per message", float64(live2-live1)/n, hdrBytes/n, float64(mallocs2-mallocs1)/n)
	want := (56+88)*1.15 + float64(hdrBytes)/n*1.1
	if per := float64(live2-live1) / n; per > want {
		t.Errorf("Messages keeps %.0f bytes per message, want at most %.0f", per, want)
	}
	if per := float64(mallocs2-mallocs1) / n; per > 0.05 {
		t.Errorf("Messages made %.2f allocations per message, want almost none", per)
	}
	if again, err := b2.Messages(ctx); err != nil || len(again) != n || !bytes.Equal(again[n-1].Header, ms[n-1].Header) {
		t.Fatalf("Messages again: %d messages, %v", len(again), err)
	}
	runtime.KeepAlive(ms)
}
